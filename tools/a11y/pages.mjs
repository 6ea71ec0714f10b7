// Det som båda kontrollerna (check.mjs, reflow.mjs) delar: vilka sidor som ska kontrolleras
// och var Chromium finns.

import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const SKIP_DIRS = new Set(["site_libs", "node_modules", ".quarto"]);

// En fil, eller alla .html-filer under en katalog (site_libs/ och liknande hoppas över).
export function htmlFiles(target) {
  const stat = statSync(target);
  if (stat.isFile()) return target.endsWith(".html") ? [target] : [];
  const out = [];
  for (const name of readdirSync(target).sort()) {
    if (SKIP_DIRS.has(name)) continue;
    out.push(...htmlFiles(join(target, name)));
  }
  return out;
}

// Chromium: $CHROMIUM_PATH, annars Debians /usr/bin/chromium.
export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  return candidates.find((p) => p && existsSync(p));
}

// Sidorna under målen och en startad Chromium, eller slutkoden 2 med ett meddelande när
// kontrollen inte kan köras (inga mål, inga sidor, ingen Chromium).
export async function start(targets, usage) {
  if (targets.length === 0) {
    console.error(`Användning: ${usage}`);
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
  return { files, browser };
}

// Öppna en fil från disk i en ny flik utan nätverk (inga CDN-skript, typsnitt eller statistik).
export async function openOffline(context, file) {
  const page = await context.newPage();
  await page.route("**/*", (route) =>
    route.request().url().startsWith("file:") ? route.continue() : route.abort(),
  );
  await page.goto(pathToFileURL(file).href, { waitUntil: "load", timeout: 60000 });
  return page;
}
