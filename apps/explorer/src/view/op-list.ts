// The operation list: a window of calls around the current step, the current one highlighted, each
// with its result and the syscalls it made (and, when comparing, the other policy's when they
// differ). Only the window is rendered, so a program of any length scrolls instantly.
import { escapeXml } from "@osmem/harness/browser";
import type { Program } from "../model/program.js";
import type { Timeline } from "../model/timeline.js";

/** Calls shown before and after the current one. */
export const WINDOW_RADIUS = 30;

/** The rows for calls around `step` (the current call is `step - 1`, the last one applied). */
export function renderOpList(program: Program, timeline: Timeline, step: number, other?: { timeline: Timeline; divergence: number }): string {
  const current = step - 1;
  const from = Math.max(0, current - WINDOW_RADIUS);
  const to = Math.min(program.ops.length, Math.max(current, 0) + WINDOW_RADIUS + 1);
  let html = from > 0 ? `<li class="more">… ${from} earlier call(s)</li>` : "";
  for (let i = from; i < to; i += 1) {
    const op = program.ops[i];
    const outcome = timeline.outcomes[i];
    if (op === undefined || outcome === undefined) continue;
    const classes = ["op"];
    if (i === current) classes.push("current");
    if (i > current) classes.push("future");
    if (other?.divergence === i) classes.push("divergence");
    const result = outcome.error !== undefined ? `<span class="error">${escapeXml(outcome.error)}</span>` : escapeXml(outcome.resultText);
    let row = `<li class="${classes.join(" ")}" data-index="${i}"${i === current ? ' aria-current="step"' : ""}>`;
    row += `<span class="n">${i + 1}</span> <code>${escapeXml(op.text)}</code> <span class="arrow">→</span> <span class="result">${result}</span>`;
    if (other?.divergence === i) row += ` <span class="badge">diverges here</span>`;
    for (const line of outcome.syscalls) row += `<div class="sys">${escapeXml(line)}</div>`;
    const theirs = other?.timeline.outcomes[i];
    if (theirs !== undefined && (theirs.resultText !== outcome.resultText || theirs.syscalls.join() !== outcome.syscalls.join())) {
      row += `<div class="theirs">${escapeXml(other?.timeline.policyName ?? "")}: → ${escapeXml(theirs.error ?? theirs.resultText)}${theirs.syscalls.map((l) => `<div class="sys">${escapeXml(l)}</div>`).join("")}</div>`;
    }
    html += `${row}</li>`;
  }
  if (to < program.ops.length) html += `<li class="more">… ${program.ops.length - to} later call(s)</li>`;
  return html;
}
