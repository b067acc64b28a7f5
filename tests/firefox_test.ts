/**
 * A real browser against both servers: Firefox (Debian's firefox-esr),
 * headless, driven through puppeteer-core over WebDriver BiDi. Nothing is
 * downloaded: the test uses the installed browser or skips, saying why.
 *
 * @module
 */

import assert from "node:assert/strict";
import { serve as serveBlocking } from "../webserve.ts";
import { serve as serveNonBlocking } from "../webserve_nb.ts";
import { type ServeFunction, startServer } from "../testing/server_launcher.ts";

const FIREFOX = "/usr/bin/firefox-esr";

/** Longest the whole browser session may take before it is killed. */
const SESSION_LIMIT_MS = 90_000;

async function isInstalled(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

const installed = await isInstalled(FIREFOX);
if (!installed) {
  console.log(
    `firefox_test: skipped, ${FIREFOX} is not installed (apt-get install firefox-esr)`,
  );
}

/** Preferences that keep Firefox off the network except for the pages we open. */
const OFFLINE_PREFS: Record<string, unknown> = {
  "app.update.enabled": false,
  "app.update.auto": false,
  "browser.safebrowsing.malware.enabled": false,
  "browser.safebrowsing.phishing.enabled": false,
  "browser.safebrowsing.downloads.enabled": false,
  "browser.search.update": false,
  "browser.region.network.url": "",
  "browser.topsites.contile.enabled": false,
  "extensions.update.enabled": false,
  "extensions.getAddons.cache.enabled": false,
  "network.captive-portal-service.enabled": false,
  "network.connectivity-service.enabled": false,
  "network.dns.disablePrefetch": true,
  "network.prefetch-next": false,
  "network.http.speculative-parallel-limit": 0,
  "network.proxy.type": 0,
  "datareporting.healthreport.uploadEnabled": false,
  "toolkit.telemetry.enabled": false,
};

/** The page's visible text (a string expression: these tests have no DOM types). */
async function bodyText(
  page: { evaluate(expression: string): Promise<unknown> },
): Promise<string> {
  return String(await page.evaluate("document.body.innerText"));
}

const SERVERS: [string, ServeFunction][] = [["webserve", serveBlocking], [
  "webserve_nb",
  serveNonBlocking,
]];

Deno.test({
  name:
    "firefox loads a URL and submits a POST form to both servers and shows hello with the path",
  ignore: !installed,
  // Puppeteer keeps its own pipes and timers around the browser process.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    // Loaded only when Firefox is there to drive.
    const { default: puppeteer } = await import("puppeteer-core");
    const browser = await puppeteer.launch({
      browser: "firefox",
      executablePath: FIREFOX,
      headless: true,
      extraPrefsFirefox: OFFLINE_PREFS,
      protocolTimeout: 30_000,
    });
    const limit = setTimeout(
      () => browser.process()?.kill("SIGKILL"),
      SESSION_LIMIT_MS,
    );
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(15_000);
      for (const [name, serve] of SERVERS) {
        const server = startServer(serve);
        const base = `http://127.0.0.1:${server.addr.port}`;
        try {
          await t.step(`${name} shows hello, /some/random/url`, async () => {
            const response = await page.goto(`${base}/some/random/url`);
            assert.equal(response?.status(), 200);
            assert.equal(await bodyText(page), "hello, /some/random/url");
          });
          await t.step(
            `${name} answers a submitted HTML form with hello, /process_form`,
            async () => {
              await page.setContent(
                `<form method="post" action="${base}/process_form">` +
                  `<input name="firstname" value="Ada"><input name="lastname" value="Lovelace">` +
                  `<button id="submit" type="submit">Go</button></form>`,
              );
              const [response] = await Promise.all([
                page.waitForNavigation(),
                page.click("#submit"),
              ]);
              assert.equal(response?.request().method(), "POST");
              assert.equal(page.url(), `${base}/process_form`);
              assert.equal(await bodyText(page), "hello, /process_form");
            },
          );
        } finally {
          await server.stop();
        }
      }
    } finally {
      clearTimeout(limit);
      await browser.close().catch(() => browser.process()?.kill("SIGKILL"));
    }
  },
});
