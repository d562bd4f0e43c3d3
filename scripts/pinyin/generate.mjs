// Generates seed/pinyin.json: for every category, department and district, the pinyin of its full name as
// initials ("工资拖欠" → "gztq") and syllables ("gong zi tuo qian"), for the agent console's search; and of each
// department's short name (简称) for the dispatcher's department picker.
// There is no pinyin library on NuGet, so this runs once with Node and the output is committed. pinyin-pro reads
// polyphonic characters in context; the category and district initials match the hand-checked ones in seed/.
//   cd scripts/pinyin && npm install && npm run generate
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { pinyin } from 'pinyin-pro';

const seed = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'seed');
const read = file => JSON.parse(readFileSync(join(seed, file), 'utf8'));

const isHan = ch => /\p{Script=Han}/u.test(ch);

/** One syllable per Han character, ASCII letters and digits kept as they are, everything else dropped. */
function syllables(name) {
  const chars = [...name];
  const readings = pinyin(name, { toneType: 'none', type: 'array', nonZh: 'spaced', v: true });
  const out = [];
  let ascii = '';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (isHan(ch)) {
      if (ascii) { out.push(ascii); ascii = ''; }
      out.push(readings[i].toLowerCase());
    } else if (/[A-Za-z0-9]/.test(ch)) {
      ascii += ch.toLowerCase();
    } else if (ascii) {
      out.push(ascii); ascii = '';
    }
  }
  if (ascii) out.push(ascii);
  return out;
}

const entry = name => {
  const s = syllables(name);
  return { name, initials: s.map(x => /^[0-9]/.test(x) ? x : x[0]).join(''), pinyin: s.join(' ') };
};

const categories = {};
const walk = nodes => nodes.forEach(n => { categories[n.code] = entry(n.name); walk(n.children ?? []); });
walk(read('categories.json'));

const byCode = list => Object.fromEntries(list.map(x => [x.code, entry(x.name)]));
const output = {
  generatedBy: 'scripts/pinyin/generate.mjs (pinyin-pro)',
  categories,
  departments: byCode(read('departments.json')),
  // 简称 as people say them (住建局, 市场监管局), searched beside the full names.
  departmentShortNames: Object.fromEntries(read('departments.json').filter(d => d.shortName).map(d => [d.code, entry(d.shortName)])),
  districts: byCode(read('districts.json')),
};
writeFileSync(join(seed, 'pinyin.json'), JSON.stringify(output, null, 2) + '\n');
console.log(`seed/pinyin.json: ${Object.keys(categories).length} categories, ${Object.keys(output.departments).length} departments, ${Object.keys(output.districts).length} districts`);
