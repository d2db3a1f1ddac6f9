// Copyright 2026 the @nursery/nursery authors. MIT license.
// Runs the browser bundle in a headless browser installed from Debian, with
// puppeteer-core (Chromium over CDP, Firefox ESR over WebDriver BiDi), and
// prints the in-page runner's report as one line. Run by Node, from the
// scratch project (where puppeteer-core is installed):
//   node browser_driver.mjs chrome|firefox <executable> <bundle>
import { createServer } from "node:http";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer from "puppeteer-core";

const [browserName, executablePath, bundle] = process.argv.slice(2);
const REPORT_MARKER = "nursery-report:";
// A suite that cannot load (a bad import) reports that instead of hanging.
const PAGE = `<!doctype html><script type="module">
import("/suite.mjs").catch((error) => {
  globalThis.nurseryReport = { loadError: String(error?.stack ?? error) };
});
</script>`;

const server = createServer(async (request, response) => {
  if (request.url === "/") {
    response.writeHead(200, { "content-type": "text/html" }).end(PAGE);
  } else if (request.url === "/suite.mjs") {
    response.writeHead(200, { "content-type": "text/javascript" })
      .end(await readFile(bundle));
  } else response.writeHead(404).end();
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

const userDataDir = await mkdtemp(join(tmpdir(), "runtimes-browser-"));
const chromeArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-background-timer-throttling",
  "--disable-renderer-backgrounding",
];
const browser = await puppeteer.launch({
  browser: browserName,
  executablePath,
  headless: true,
  userDataDir,
  args: browserName === "chrome" ? chromeArgs : [],
  // A tab the browser thinks is in the background gets its timers slowed to
  // one a second, and the fake clock's steps each wait for a real timer.
  extraPrefsFirefox: {
    "dom.min_background_timeout_value": 4,
    "dom.timeout.enable_budget_timer_throttling": false,
  },
  // The whole suite is one wait; the default would end it after 180 s.
  protocolTimeout: 0,
});
let exitCode = 0;
try {
  console.log(`browser-version: ${await browser.version()}`);
  // The tab the browser opened with is the one in front.
  const [page = await browser.newPage()] = await browser.pages();
  // Logged, not fatal: Firefox reports the package's refused dynamic
  // import("node:async_hooks") (which the package catches) as a page error.
  // A suite that cannot load says so in its report; an uncaught error during
  // a test fails that test (page_runner.ts).
  page.on("pageerror", (error) => console.log(`pageerror: ${error}`));
  page.on("console", (message) => console.log(message.text()));
  await page.goto(url);
  await page.waitForFunction(() => globalThis.nurseryReport !== undefined, {
    timeout: 0,
    polling: 500,
  });
  const report = await page.evaluate(() =>
    JSON.stringify(globalThis.nurseryReport)
  );
  if (JSON.parse(report).loadError) throw new Error(report);
  console.log(`${REPORT_MARKER} ${report}`);
} catch (error) {
  console.log(`driver failed: ${error?.stack ?? error}`);
  exitCode = 1;
} finally {
  await browser.close();
  server.close();
  await rm(userDataDir, { recursive: true, force: true });
}
process.exit(exitCode);
