// A one-line progress bar for long analyses: drawn on a TTY stream only (stderr in the CLI, never
// stdout), redrawn in place with a carriage return, and erased when the work is done.

/** The part of a writable stream the bar needs. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

/** A progress bar; every method is a no-op when the stream is not a TTY. */
export interface ProgressBar {
  /** Shows that item `index` (0-based) of `total` named `label` is starting. */
  update(index: number, total: number, label: string): void;
  /** Erases the line. */
  clear(): void;
}

const BAR_WIDTH = 24;

/** A bar on `stream`, shown only when `stream.isTTY` is true. */
export function createProgressBar(stream: ProgressStream): ProgressBar {
  const isShown = stream.isTTY === true;
  let drawn = false;
  return {
    update(index, total, label) {
      if (!isShown || total <= 0) return;
      const filled = Math.round((index / total) * BAR_WIDTH);
      const counter = `${String(index + 1).padStart(String(total).length)}/${total}`;
      const line = `[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${counter} ${label}`;
      const maxWidth = Math.max(20, (stream.columns ?? 80) - 1);
      stream.write(`\r\u001b[K${line.slice(0, maxWidth)}`);
      drawn = true;
    },
    clear() {
      if (isShown && drawn) stream.write("\r\u001b[K");
      drawn = false;
    },
  };
}
