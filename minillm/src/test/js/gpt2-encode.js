// GPT-2's token ids by the gpt-3-encoder npm package (its own JavaScript encoder), the reference
// that Gpt2CompatibilityTest compares the Java encoder with.
//   node gpt2-encode.js <node_modules> <texts.json>
// reads a JSON array of strings and prints a JSON array with the ids of each.
const fs = require('fs');
const path = require('path');
const { encode } = require(path.resolve(process.argv[2], 'gpt-3-encoder'));

const texts = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
process.stdout.write(JSON.stringify(texts.map(text => encode(text))));
