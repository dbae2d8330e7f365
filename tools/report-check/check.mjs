// Opens distsim HTML reports in a real Chromium (Debian's /usr/bin/chromium through
// puppeteer-core; nothing is downloaded) at several widths and checks layout facts that only a
// browser can measure: the page never scrolls sideways, no two texts of an SVG overlap, every
// expected lane is drawn, every refusal names bars that exist, and no table needs to scroll.
// Saves a full-page screenshot per report and width.
//
// Usage: node check.mjs --case NAME,REPORT.html,SUMMARY.json [--case ...] --screenshots DIR
//                       [--widths 800,1400] [--chromium /usr/bin/chromium]
//                       [--modules DIR] [--doc-shot NAME=OUT.png]
// SUMMARY.json is `distsim run --json` of the same run: every package in it must have a lane
// "package:ID" and every distribution point of it a lane "dp:ID/DP". --modules names the folder
// whose node_modules holds puppeteer-core (default: this folder).
// Exit status: 0 all checks hold, 1 a check failed, 2 bad usage or the browser failed.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

function parseArgs(argv) {
  const args = { widths: [800, 1400], chromium: '/usr/bin/chromium', docShot: null, cases: [] };
  for (let i = 0; i < argv.length; i += 2) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`missing value for ${key}`);
    if (key === '--case') {
      const [name, html, summary] = value.split(',');
      if (!summary) throw new Error(`--case wants NAME,REPORT.html,SUMMARY.json, not ${value}`);
      args.cases.push({ name, html: path.resolve(html), summary: path.resolve(summary) });
    }
    else if (key === '--screenshots') args.screenshots = value;
    else if (key === '--widths') args.widths = value.split(',').map(Number);
    else if (key === '--chromium') args.chromium = value;
    else if (key === '--modules') args.modules = value;
    else if (key === '--doc-shot') {
      const at = value.indexOf('=');
      args.docShot = { name: value.slice(0, at), out: value.slice(at + 1) };
    } else throw new Error(`unknown option ${key}`);
  }
  if (args.cases.length === 0 || !args.screenshots) {
    throw new Error('at least one --case and --screenshots are required');
  }
  return args;
}

// Everything measured inside the page, returned as plain data.
function measure() {
  const result = { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth };
  result.svgs = [...document.querySelectorAll('svg')].map((svg) => {
    const box = svg.getBoundingClientRect();
    const texts = [...svg.querySelectorAll('text')].map((text) => {
      const r = text.getBoundingClientRect();
      return { text: text.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    });
    return { cls: svg.getAttribute('class'), left: box.left, right: box.right, texts };
  });
  result.lanes = [...document.querySelectorAll('svg.timeline g.lane')].map((g) => {
    const r = g.getBoundingClientRect();
    return { lane: g.getAttribute('data-lane'), height: r.height, width: r.width };
  });
  result.refusals = [...document.querySelectorAll('[data-blockers]')].map((el) => ({
    blockers: el.getAttribute('data-blockers').split(' ').filter((id) => id !== ''),
    title: (el.querySelector('title') || {}).textContent || '',
  }));
  result.ids = [...document.querySelectorAll('[id]')].map((el) => el.id);
  result.tables = [...document.querySelectorAll('.table-wrap')].map((wrap) => ({
    scrollWidth: wrap.scrollWidth,
    clientWidth: wrap.clientWidth,
    heading: (wrap.previousElementSibling || {}).textContent || '',
  }));
  return result;
}

// The region from the Timeline heading to the end of the legend, in page coordinates.
function timelineClip() {
  const first = document.querySelector('#timeline').getBoundingClientRect();
  const last = document.querySelector('.legend').getBoundingClientRect();
  const top = first.top + window.scrollY - 8;
  return { x: 0, y: Math.max(0, top), width: document.documentElement.clientWidth,
           height: last.bottom + window.scrollY - top + 8 };
}

// The lanes a run's JSON summary says the report must draw.
function expectedLanes(summaryPath) {
  const summary = JSON.parse(fs.readFileSync(summaryPath, 'utf8'));
  const lanes = [];
  for (const pkg of summary.packages) {
    lanes.push(`package:${pkg.id}`);
    for (const dp of Object.keys(pkg.distribution_points)) lanes.push(`dp:${pkg.id}/${dp}`);
  }
  return lanes;
}

function overlaps(a, b) {
  const tolerance = 0.5;
  return Math.min(a.right, b.right) - Math.max(a.left, b.left) > tolerance &&
         Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > tolerance;
}

function check(name, width, m, expectedLanes) {
  const problems = [];
  if (m.scrollWidth > m.innerWidth) {
    problems.push(`page scrolls sideways: scrollWidth ${m.scrollWidth} > innerWidth ${m.innerWidth}`);
  }
  for (const svg of m.svgs) {
    const texts = svg.texts.filter((t) => t.right > t.left);
    for (let i = 0; i < texts.length; ++i) {
      const a = texts[i];
      if (a.left < svg.left - 1 || a.right > svg.right + 1) {
        problems.push(`text "${a.text}" of svg.${svg.cls} is cut at the edge`);
      }
      for (let j = i + 1; j < texts.length; ++j) {
        if (overlaps(a, texts[j])) {
          problems.push(`texts overlap in svg.${svg.cls}: "${a.text}" and "${texts[j].text}"`);
        }
      }
    }
  }
  const drawn = new Map(m.lanes.map((lane) => [lane.lane, lane]));
  for (const lane of expectedLanes) {
    const found = drawn.get(lane);
    if (!found) problems.push(`lane ${lane} is missing`);
    else if (found.height <= 0 || found.width <= 0) problems.push(`lane ${lane} is not visible`);
  }
  const ids = new Set(m.ids);
  for (const refusal of m.refusals) {
    for (const id of refusal.blockers) {
      if (!ids.has(id)) problems.push(`a refusal names bar ${id}, which is not drawn`);
    }
  }
  for (const table of m.tables) {
    if (table.scrollWidth > table.clientWidth + 1) {
      problems.push(`table "${table.heading}" is wider than the page (${table.scrollWidth} > ${table.clientWidth})`);
    }
  }
  return problems.map((problem) => `${name} at ${width}px: ${problem}`);
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`check.mjs: ${error.message}`);
    process.exit(2);
  }
  const require = createRequire(path.join(path.resolve(args.modules || '.'), 'index.js'));
  const puppeteer = require('puppeteer-core');
  const cases = args.cases.map((each) => ({ ...each, lanes: expectedLanes(each.summary) }));
  fs.mkdirSync(args.screenshots, { recursive: true });
  const browser = await puppeteer.launch({
    executablePath: args.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'],
  });
  const problems = [];
  try {
    const page = await browser.newPage();
    await page.setJavaScriptEnabled(false);  // the report must not need script
    for (const each of cases) {
      for (const width of args.widths) {
        await page.setViewport({ width, height: 900, deviceScaleFactor: 1 });
        await page.goto(pathToFileURL(each.html).href, { waitUntil: 'load' });
        const m = await page.evaluate(measure);
        const found = check(each.name, width, m, each.lanes);
        problems.push(...found);
        console.log(`${found.length === 0 ? 'ok  ' : 'FAIL'} ${each.name} at ${width}px: ` +
                    `${m.svgs.reduce((n, s) => n + s.texts.length, 0)} texts, ${m.lanes.length} lanes, ` +
                    `${m.refusals.length} refusals`);
        // Chromium refuses screenshots past 16,384 pixels: a longer page is cut there.
        const height = await page.evaluate(() => document.documentElement.scrollHeight);
        await page.screenshot({
          path: path.join(args.screenshots, `${each.name}-${width}.png`),
          ...(height <= 16000 ? { fullPage: true } : { clip: { x: 0, y: 0, width, height: 16000 } }),
        });
        const clip = await page.evaluate(timelineClip);
        await page.screenshot({ path: path.join(args.screenshots, `${each.name}-${width}-timeline.png`), clip });
      }
    }
    if (args.docShot) {
      const each = cases.find((c) => c.name === args.docShot.name);
      if (!each) throw new Error(`--doc-shot: no case named ${args.docShot.name}`);
      await page.setViewport({ width: 1000, height: 900, deviceScaleFactor: 1 });
      await page.goto(pathToFileURL(each.html).href, { waitUntil: 'load' });
      const clip = await page.evaluate(() => {
        const first = document.querySelector('h1').getBoundingClientRect();
        const last = document.querySelector('.legend').getBoundingClientRect();
        return { x: 0, y: Math.max(0, first.top - 12), width: document.documentElement.clientWidth,
                 height: last.bottom - first.top + 24 };
      });
      await page.screenshot({ path: args.docShot.out, clip });
      console.log(`wrote ${args.docShot.out}`);
    }
  } finally {
    await browser.close();
  }
  for (const problem of problems) console.error(problem);
  process.exit(problems.length === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(`check.mjs: ${error.stack || error}`);
  process.exit(2);
});
