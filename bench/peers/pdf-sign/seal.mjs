// Documenso-style sealing peer for Paraphe's `--scenario sealing` (issue 12).
// What Documenso's packages/signing does for its local-certificate transport (sign-with-local-cert.ts):
// pdf-lib adds a signature placeholder (helpers/add-signing-placeholder: a /Sig dictionary with a ByteRange
// placeholder and an 8 KB /Contents, an invisible widget on page 1, /AcroForm /SigFlags 3, saved without object
// streams), updateSigningPlaceholder writes the real ByteRange, @documenso/pdf-sign (native, Rust) signs the two
// ranges, and the hex signature is written into /Contents.
//
// usage: node seal.mjs --cert cert.pem --key key.pem --iterations N --warmup N file.pdf [file.pdf …]
// prints one JSON object: { node, packages, files: [{ file, bytes, pages, iterations, median_ms, min_ms, p90_ms,
//   output_bytes, rss_extra_bytes, placeholder_ms, sign_ms, cpu_ms (process CPU, user + system, per seal) }] }
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { PDFDocument, PDFName, PDFNumber, PDFHexString, PDFString, PDFArray } from 'pdf-lib';
import { signWithPrivateKey } from '@documenso/pdf-sign';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); if (i < 0) return dflt; const v = args[i + 1]; args.splice(i, 2); return v; };
const certPath = opt('--cert'), keyPath = opt('--key');
const iterations = Number(opt('--iterations', '20')), warmup = Number(opt('--warmup', '5'));
const files = args;
if (!certPath || !keyPath || files.length === 0) { console.error('usage: node seal.mjs --cert C --key K [--iterations N] [--warmup N] file.pdf…'); process.exit(2); }
const cert = fs.readFileSync(certPath), privateKey = fs.readFileSync(keyPath);

const BYTE_RANGE_PLACEHOLDER = '**********';
const SIGNATURE_LENGTH = 8192; // Documenso's placeholder: 8,192 bytes, 16,384 hex digits

async function addSigningPlaceholder(pdf) {
  const doc = await PDFDocument.load(pdf);
  const byteRange = PDFArray.withContext(doc.context);
  byteRange.push(PDFNumber.of(0));
  byteRange.push(PDFName.of(BYTE_RANGE_PLACEHOLDER));
  byteRange.push(PDFName.of(BYTE_RANGE_PLACEHOLDER));
  byteRange.push(PDFName.of(BYTE_RANGE_PLACEHOLDER));
  const signature = doc.context.register(doc.context.obj({
    Type: 'Sig', Filter: 'Adobe.PPKLite', SubFilter: 'adbe.pkcs7.detached', ByteRange: byteRange,
    Contents: PDFHexString.of('0'.repeat(SIGNATURE_LENGTH * 2)), Reason: PDFString.of('Signed by Documenso'),
    M: PDFString.fromDate(new Date()),
  }));
  const widget = doc.context.register(doc.context.obj({
    Type: 'Annot', Subtype: 'Widget', FT: 'Sig', Rect: [0, 0, 0, 0], V: signature,
    T: PDFString.of('Signature1'), F: 4, P: doc.getPages()[0].ref,
  }));
  let annots = doc.getPages()[0].node.lookupMaybe(PDFName.of('Annots'), PDFArray);
  if (!annots) { annots = doc.context.obj([]); doc.getPages()[0].node.set(PDFName.of('Annots'), annots); }
  annots.push(widget);
  doc.catalog.set(PDFName.of('AcroForm'), doc.context.obj({ SigFlags: 3, Fields: [widget] }));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

function updateSigningPlaceholder(pdf) {
  const length = pdf.length;
  const byteRangePos = pdf.lastIndexOf('/ByteRange');
  const byteRangeStart = pdf.indexOf('[', byteRangePos);
  const byteRangeEnd = pdf.indexOf(']', byteRangeStart);
  const byteRangeSlice = pdf.subarray(byteRangeStart, byteRangeEnd + 1);
  const contentsPos = pdf.indexOf('/Contents', byteRangeEnd);
  const contentsStart = pdf.indexOf('<', contentsPos);
  const contentsEnd = pdf.indexOf('>', contentsStart);
  const byteRange = [0, contentsStart, contentsEnd + 1, length - contentsEnd - 1];
  const newByteRange = `[${byteRange.join(' ')}]`.padEnd(byteRangeSlice.length, ' ');
  if (newByteRange.length !== byteRangeSlice.length) throw new Error('ByteRange placeholder too short');
  pdf.write(newByteRange, byteRangeStart, 'latin1');
  return { pdf, byteRange };
}

async function seal(pdf) {
  const t0 = performance.now();
  const { pdf: withPlaceholder, byteRange } = updateSigningPlaceholder(await addSigningPlaceholder(pdf));
  const t1 = performance.now();
  const content = Buffer.concat([withPlaceholder.subarray(0, byteRange[1]), withPlaceholder.subarray(byteRange[2])]);
  const signature = signWithPrivateKey({ content, cert, privateKey });
  const hex = signature.toString('hex');
  if (hex.length > byteRange[2] - byteRange[1] - 2) throw new Error('signature larger than its placeholder');
  withPlaceholder.write(hex, byteRange[1] + 1, 'latin1');
  const t2 = performance.now();
  return { out: withPlaceholder, placeholderMs: t1 - t0, signMs: t2 - t1 };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const results = [];
for (const file of files) {
  const pdf = fs.readFileSync(file);
  for (let i = 0; i < warmup; i++) await seal(pdf);
  if (global.gc) global.gc();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore, last;
  const times = [], placeholder = [], sign = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    last = await seal(pdf);
    times.push(performance.now() - t); placeholder.push(last.placeholderMs); sign.push(last.signMs);
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }
  const cpu = process.cpuUsage(cpu0);
  if (process.env.PEER_OUT) fs.writeFileSync(process.env.PEER_OUT, last.out);
  const sorted = [...times].sort((a, b) => a - b);
  results.push({
    file, bytes: pdf.length, iterations, median_ms: median(times), min_ms: sorted[0],
    p90_ms: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))],
    placeholder_ms: median(placeholder), sign_ms: median(sign), output_bytes: last.out.length,
    rss_extra_bytes: rssPeak - rssBefore, cpu_ms: (cpu.user + cpu.system) / 1000 / iterations,
  });
}
const version = (p) => JSON.parse(fs.readFileSync(new URL(`./node_modules/${p}/package.json`, import.meta.url))).version;
console.log(JSON.stringify({
  node: process.version,
  packages: { 'pdf-lib': version('pdf-lib'), '@documenso/pdf-sign': version('@documenso/pdf-sign'),
    '@documenso/pdf-sign-linux-x64-gnu': version('@documenso/pdf-sign-linux-x64-gnu') },
  files: results,
}));
