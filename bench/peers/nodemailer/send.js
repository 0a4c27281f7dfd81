// Peer of Paraphe's dispatcher benchmark (bench/README.md): nodemailer, pooled SMTP transport, sends N messages of
// the size of Paraphe's email invitation (text + HTML) to host:port, and prints {"messages", "seconds", "msgPerSecond"}.
// Usage: node send.js --host 127.0.0.1 --port 2525 --messages 10000 --bytes 1818 --connections 4
'use strict';
const nodemailer = require('nodemailer');

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) =>
  a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs, []));
const host = args.host || '127.0.0.1';
const port = Number(args.port || 25);
const total = Number(args.messages || 10000);
const bytes = Number(args.bytes || 1800);
const connections = Number(args.connections || 4);
const warmup = Number(args.warmup || 200);

// Text and HTML halves, padded so that the whole message on the wire is about `bytes` long (headers ~ 450 bytes).
const body = Math.max(100, Math.floor((bytes - 450) / 2));
const text = 'Bonjour, vous êtes invité à signer le document « Mandat de vente ». '.repeat(Math.ceil(body / 70)).slice(0, body);
const html = `<p>${text.slice(0, body - 7)}</p>`;

const transport = nodemailer.createTransport({
  host, port, secure: false, ignoreTLS: true, pool: true,
  maxConnections: connections, maxMessages: Infinity,
});

function send(i) {
  return transport.sendMail({
    from: '"Agence Bench" <signature@paraphe.example>',
    to: `signataire${i}@example.com`,
    subject: 'Document à signer : Mandat de vente',
    text, html,
    envelope: { from: `bounces+n${i}@paraphe.example`, to: `signataire${i}@example.com` },
  });
}

async function run(n) {
  // As many sends in flight as connections (the pool queues the rest): a closed loop like the dispatcher's lane.
  let next = 0;
  const workers = Array.from({ length: connections }, async () => {
    while (next < n) { const i = next++; await send(i); }
  });
  await Promise.all(workers);
}

(async () => {
  await run(warmup);
  const start = process.hrtime.bigint();
  await run(total);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  transport.close();
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({ messages: total, seconds, msgPerSecond: total / seconds, connections,
    cpuMsPerMessage: (cpu.user + cpu.system) / 1000 / (total + warmup), nodemailer: require('nodemailer/package.json').version }));
})().catch(e => { console.error(e); process.exit(1); });
