// Opens the live page in headless Chromium and checks what a person would: one card per camera, the healthy
// camera's MJPEG stream actually decoding in an <img>, its state and object counts, and the failed camera's error;
// then the events view: thumbnails that load, filters, and a clip that plays when its event is clicked, with a
// screenshot of the page as it then looks. Every wait is for a state, with a generous timeout: the tests share
// small machines.
// usage: node check-live-page.mjs BASE_URL GOOD_CAMERA FAILED_CAMERA SCREENSHOT.png   (CHROMIUM=/usr/bin/chromium by default)
import { chromium } from "playwright-core";

const [base, good, failed, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
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

  // Events: filtered to the good camera and to a zone of it.
  await page.waitForFunction(cam => [...document.getElementById("filter-camera").options].some(o => o.value === cam), good, { timeout: 60000 });
  await page.selectOption("#filter-camera", good);
  await page.waitForFunction(() => [...document.getElementById("filter-zone").options].some(o => o.value === "right"), null, { timeout: 60000 });
  await page.selectOption("#filter-zone", "right");
  // Read in the same moment as the check (new events keep arriving, with thumbnails still loading): every card is
  // the good camera's, in the zone, with a decoded thumbnail, and one has a clip.
  const thumbnails = await (await page.waitForFunction(cam => {
    const cards = [...document.querySelectorAll("#event-list .event")];
    const thumbs = cards.map(c => c.querySelector("img"));
    return cards.length > 0 && thumbs.every(i => i.complete && i.naturalWidth > 0)
      && cards.every(c => c.textContent.includes(cam) && c.textContent.includes("right"))
      && document.querySelector("#event-list .event.has-clip") && {
        count: thumbs.length,
        width: thumbs[0].naturalWidth,
        labels: [...document.getElementById("filter-label").options].map(o => o.value).filter(Boolean),
        zones: [...document.getElementById("filter-zone").options].map(o => o.value).filter(Boolean),
      };
  }, good, { timeout: 60000 })).jsonValue();

  // A clip plays: the video decodes frames and its time moves.
  await page.click("#event-list .event.has-clip");
  await page.waitForFunction(() => {
    const v = document.querySelector("#player video");
    return v && !document.getElementById("player").hidden && v.readyState >= 2 && v.videoWidth > 0 && v.currentTime > 0.2;
  }, null, { timeout: 60000 });
  const video = await page.evaluate(() => {
    const v = document.querySelector("#player video");
    return { width: v.videoWidth, duration: v.duration, currentTime: v.currentTime, error: v.error && v.error.code };
  });
  await page.screenshot({ path: screenshot, fullPage: true });

  const result = await page.evaluate(([g, f]) => ({
    imgWidth: document.querySelector(g + " img").naturalWidth,
    goodFps: document.querySelector(g + " .fps").textContent,
    counts: document.querySelector(g + " .counts").textContent,
    failedError: document.querySelector(f + " .error").textContent,
    summary: document.getElementById("summary").textContent,
  }), [card(good), card(failed)]);
  if (errors.length) throw new Error("page errors: " + errors.join("; "));
  console.log(JSON.stringify({ ...result, thumbnails, video }));
} finally {
  await browser.close();
}
