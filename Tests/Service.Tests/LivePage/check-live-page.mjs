// Opens the live page in headless Chromium and checks what a person would: one card per camera, the healthy
// camera's MJPEG stream actually decoding in an <img>, its state and object counts, and the failed camera's error.
// Every wait is for a state, with a generous timeout: the tests share small machines.
// usage: node check-live-page.mjs BASE_URL GOOD_CAMERA FAILED_CAMERA   (CHROMIUM=/usr/bin/chromium by default)
import { chromium } from "playwright-core";

const [base, good, failed] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", e => errors.push(e.message));
  await page.goto(base, { waitUntil: "domcontentloaded" });
  await page.waitForFunction(n => document.querySelectorAll("section.camera").length === n, 2, { timeout: 60000 });

  const card = id => `section.camera[data-camera="${id}"]`;
  await page.waitForFunction(sel => {
    const img = document.querySelector(sel + " img");
    return img && img.complete && img.naturalWidth > 0;
  }, card(good), { timeout: 60000 });
  await page.waitForFunction(sel => document.querySelector(sel + " .state").textContent === "connected", card(good), { timeout: 60000 });
  await page.waitForFunction(sel => /square: \d/.test(document.querySelector(sel + " .counts").textContent), card(good), { timeout: 60000 });
  await page.waitForFunction(sel => document.querySelector(sel + " .state").textContent === "failed", card(failed), { timeout: 60000 });

  const result = await page.evaluate(([g, f]) => ({
    imgWidth: document.querySelector(g + " img").naturalWidth,
    goodFps: document.querySelector(g + " .fps").textContent,
    counts: document.querySelector(g + " .counts").textContent,
    failedError: document.querySelector(f + " .error").textContent,
    summary: document.getElementById("summary").textContent,
  }), [card(good), card(failed)]);
  if (errors.length) throw new Error("page errors: " + errors.join("; "));
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
}
