// Takes the README's screenshot of the explorer: builds the site, serves it, opens a representative
// state in Debian's Chromium (the split in test-malloc-split-vector, best fit beside first fit), and
// writes docs/img/explorer.png. Usage: pnpm --filter explorer screenshot [OUT.png]
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { build, preview } from "vite";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = process.argv[2] ?? fileURLToPath(new URL("../../../docs/img/explorer.png", import.meta.url));
const state = "#src=ref%3Atest-malloc-split-vector&step=15&policy=best-fit";

await build({ root, logLevel: "warn" });
const server = await preview({ root, preview: { port: 0, open: false }, logLevel: "warn" });
const browser = await chromium.launch({
  executablePath: process.env.OSMEM_CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 960 }, deviceScaleFactor: 1 });
  await page.goto(`${server.resolvedUrls.local[0]}${state}`);
  await page.waitForSelector("#map-a svg.heap-map");
  await page.click("#zoom-in");
  await page.click("#zoom-in");
  await page.locator("#map-a .current-block").scrollIntoViewIfNeeded();
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}
