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

import { relative } from "node:path";
import { openOffline, start } from "./pages.mjs";

const WIDTHS = [320, 375];

async function measure(browser, file, width) {
  const context = await browser.newContext({ viewport: { width, height: 800 } });
  try {
    const page = await openOffline(context, file);
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
  const started = await start(targets, "node reflow.mjs <fil.html | katalog>...");
  if (typeof started === "number") return started;
  const { files, browser } = started;
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
