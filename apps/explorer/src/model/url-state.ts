// The shareable link: program, step and policies in the URL's fragment, e.g.
// `#src=ref:test-malloc-split-vector&step=5&policy=best-fit&compare=first-fit`. Typed programs and
// dropped files travel inside the link, deflated and base64url-encoded.
import type { ProgramSource } from "./program.js";

/** What a link restores. */
export interface LinkState {
  readonly source: ProgramSource;
  readonly step: number;
  readonly policy: string;
  readonly compare?: string;
}

const toBase64Url = (bytes: Uint8Array): string =>
  btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join("")).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

const fromBase64Url = (text: string): Uint8Array =>
  Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const body = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(body).arrayBuffer());
}

/** Deflates `text` into a URL-safe string. */
export async function packText(text: string): Promise<string> {
  return toBase64Url(await pipe(new TextEncoder().encode(text), new CompressionStream("deflate-raw")));
}

/** The inverse of {@link packText}. @throws when the string is not a packed text. */
export async function unpackText(packed: string): Promise<string> {
  return new TextDecoder().decode(await pipe(fromBase64Url(packed), new DecompressionStream("deflate-raw")));
}

/** The fragment (without `#`) for `state`. */
export async function encodeLink(state: LinkState): Promise<string> {
  const { source } = state;
  const src =
    source.kind === "ref" || source.kind === "rep"
      ? `${source.kind}:${source.name}`
      : source.kind === "text"
        ? `text:${await packText(source.text)}`
        : `file:${encodeURIComponent(source.name)}:${await packText(source.text)}`;
  const params = new URLSearchParams({ src, step: String(state.step), policy: state.policy });
  if (state.compare !== undefined) params.set("compare", state.compare);
  return params.toString();
}

/** Reads a fragment written by {@link encodeLink}; undefined when it names no program. */
export async function decodeLink(fragment: string): Promise<LinkState | undefined> {
  const params = new URLSearchParams(fragment.replace(/^#/, ""));
  const src = params.get("src");
  if (src === null) return undefined;
  const [kind = "", ...rest] = src.split(":");
  let source: ProgramSource;
  if (kind === "ref" || kind === "rep") source = { kind, name: rest.join(":") };
  else if (kind === "text") source = { kind, text: await unpackText(rest.join(":")) };
  else if (kind === "file") source = { kind, name: decodeURIComponent(rest[0] ?? "file"), text: await unpackText(rest.slice(1).join(":")) };
  else return undefined;
  const step = Number(params.get("step") ?? "0");
  const compare = params.get("compare") ?? undefined;
  const base = { source, step: Number.isSafeInteger(step) ? step : 0, policy: params.get("policy") ?? "best-fit" };
  return compare === undefined ? base : { ...base, compare };
}
