// Det som båda kontrollerna (check.mjs, reflow.mjs) delar: vilka sidor som ska kontrolleras
// och var Chromium finns.

import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

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
