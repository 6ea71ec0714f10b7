#!/usr/bin/env node
// Omflöde (WCAG 1.4.10): ingen sida får bli bredare än skärmen på en smal skärm.
//
//   node tools/a11y/reflow.mjs <fil.html | katalog>...
//
// Varje sida öppnas från disk i headless Chromium med skärmbredden 320 px och 375 px.
// Sidan är för bred om dokumentet går att rulla i sidled (scrollWidth > skärmens bredd).
// Tabeller som rullas i en egen ruta räknas inte: de gör inte hela sidan bredare.
// För en för bred sida skrivs de element ut som sticker ut längst till höger.
//
// Slutkod: 0 alla sidor ryms, 1 någon sida är för bred, 2 kontrollen kunde inte köras.

import { relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { chromiumPath, htmlFiles } from "./pages.mjs";

const WIDTHS = [320, 375];

async function measure(browser, file, width) {
  const context = await browser.newContext({ viewport: { width, height: 800 } });
  const page = await context.newPage();
  await page.route("**/*", (route) =>
    route.request().url().startsWith("file:") ? route.continue() : route.abort(),
  );
  try {
    await page.goto(pathToFileURL(file).href, { waitUntil: "load", timeout: 60000 });
    return await page.evaluate(() => {
      const viewport = document.documentElement.clientWidth;
      const scrollWidth = document.documentElement.scrollWidth;
      const wide = [];
      if (scrollWidth > viewport) {
        for (const el of document.body.querySelectorAll("*")) {
          const box = el.getBoundingClientRect();
          if (box.right > viewport + 1 && box.width > 0) {
            const cls = typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\s+/).join(".") : "";
            wide.push({ element: el.tagName.toLowerCase() + cls, right: Math.round(box.right) });
          }
        }
      }
      wide.sort((a, b) => b.right - a.right);
      return { viewport, scrollWidth, wide: wide.slice(0, 5) };
    });
  } finally {
    await context.close();
  }
}

async function main(targets) {
  if (targets.length === 0) {
    console.error("Användning: node reflow.mjs <fil.html | katalog>...");
    return 2;
  }
  const files = targets.flatMap((t) => htmlFiles(resolve(t)));
  if (files.length === 0) {
    console.error("Inga .html-filer att kontrollera.");
    return 2;
  }
  const executablePath = chromiumPath();
  if (!executablePath) {
    console.error("Chromium hittades inte (sätt CHROMIUM_PATH eller installera chromium).");
    return 2;
  }
  const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
  let failing = 0;
  try {
    for (const file of files) {
      for (const width of WIDTHS) {
        const result = await measure(browser, file, width);
        const name = relative(process.cwd(), file);
        if (result.scrollWidth > result.viewport) {
          failing += 1;
          console.log(`FEL  ${name} vid ${width} px: sidan är ${result.scrollWidth} px bred`);
          for (const w of result.wide) console.log(`     ${w.element} slutar vid ${w.right} px`);
        } else {
          console.log(`ok   ${name} vid ${width} px`);
        }
      }
    }
  } finally {
    await browser.close();
  }
  console.log(`${files.length} sidor kontrollerade vid ${WIDTHS.join(" och ")} px: ${failing} för breda.`);
  return failing > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`Kontrollen kunde inte köras: ${err?.message ?? err}`);
    process.exit(2);
  },
);
