// UTF-8 decoding with replacement by the WHATWG TextDecoder (the same rule as Python's
// errors="replace"), the reference for Utf8Test.
//   node utf8-decode.js <bytes.json>
// reads a JSON array of byte arrays and prints a JSON array of the code points of each decoded text.
const fs = require('fs');

const decoder = new TextDecoder('utf-8');
const inputs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
process.stdout.write(JSON.stringify(inputs.map(bytes => Array.from(decoder.decode(new Uint8Array(bytes)), c => c.codePointAt(0)))));
