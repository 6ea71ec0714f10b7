#!/usr/bin/env node
// Tillgänglighetskontroll av kommunrapports HTML: axe-core i headless Chromium.
//
//   node tools/a11y/check.mjs [--json] <fil.html | katalog>...
//
// En katalog (t.ex. _site/) gås igenom rekursivt efter .html-filer (site_libs/ hoppas
// över). Varje sida öppnas från disk utan nätverk, axe-core körs med reglerna för
// WCAG 2.0/2.1 nivå A och AA (det som lagen 2018:1937, DOS-lagen, kräver) och varje
// överträdelse skrivs ut med sida, regel och element.
//
// Slutkod: 0 inga överträdelser, 1 överträdelser, 2 kontrollen kunde inte köras.
// Chromium: $CHROMIUM_PATH, annars /usr/bin/chromium (Debian: apt-get install chromium).

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { relative } from "node:path";
import { openOffline, start } from "./pages.mjs";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

async function checkPage(browser, file) {
  const page = await openOffline(browser, file);
  try {
    await page.addScriptTag({ content: AXE_SOURCE });
    return await page.evaluate(async (tags) => {
      // eslint-disable-next-line no-undef
      const result = await axe.run(document, { runOnly: { type: "tag", values: tags } });
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.join(" "), html: n.html.slice(0, 200) })),
      }));
    }, TAGS);
  } finally {
    await page.close();
  }
}

async function main(argv) {
  const json = argv.includes("--json");
  const targets = argv.filter((a) => a !== "--json");
  const started = await start(targets, "node check.mjs [--json] <fil.html | katalog>...");
  if (typeof started === "number") return started;
  const { files, browser } = started;
  const report = [];
  try {
    for (const file of files) {
      report.push({ file: relative(process.cwd(), file), violations: await checkPage(browser, file) });
    }
  } finally {
    await browser.close();
  }
  const failing = report.filter((r) => r.violations.length > 0);
  if (json) {
    console.log(JSON.stringify({ tags: TAGS, pages: report }, null, 2));
  } else {
    for (const page of report) {
      if (page.violations.length === 0) {
        console.log(`ok   ${page.file}`);
        continue;
      }
      console.log(`FEL  ${page.file}`);
      for (const v of page.violations) {
        console.log(`     ${v.id} (${v.impact}): ${v.help}`);
        for (const n of v.nodes.slice(0, 5)) console.log(`       ${n.target}`);
      }
    }
    console.log(
      `${report.length} sidor kontrollerade mot ${TAGS.join(", ")}: ` +
        `${failing.length} med överträdelser.`,
    );
  }
  return failing.length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`Kontrollen kunde inte köras: ${err?.message ?? err}`);
    process.exit(2);
  },
);
