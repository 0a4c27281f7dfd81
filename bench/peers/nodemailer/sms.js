// The SMS half of Paraphe's dispatcher benchmark without Paraphe (bench/README.md): N form-encoded POSTs to Twilio's
// Messages API (the bench's Twilio simulator), `concurrency` in flight over keep-alive connections (Node's fetch), as
// Paraphe's SMS lane sends them. The bench measures its own CPU meanwhile: what the simulator costs per SMS.
// Usage: node sms.js --url http://127.0.0.1:PORT/2010-04-01/Accounts/AC…/Messages.json --auth 'Basic …' --to +336… --from +336… --body '…' --messages 5000 --concurrency 4
'use strict';
const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) =>
  a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs, []));
const total = Number(args.messages || 5000);
const concurrency = Number(args.concurrency || 4);
const warmup = Number(args.warmup || 200);

async function send(i) {
  const body = new URLSearchParams({ To: args.to, From: args.from, Body: args.body, StatusCallback: `${args.callback || 'https://paraphe.example/callbacks/sms/twilio'}?n=${i}` });
  const r = await fetch(args.url, { method: 'POST', headers: { Authorization: args.auth }, body });
  const json = await r.json();
  if (r.status !== 201 || !json.sid) throw new Error(`refused: ${r.status} ${JSON.stringify(json)}`);
}

async function run(n) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => { while (next < n) { const i = next++; await send(i); } }));
}

(async () => {
  await run(warmup);
  const start = process.hrtime.bigint();
  await run(total);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({ messages: total, seconds, msgPerSecond: total / seconds, concurrency,
    cpuMsPerMessage: (cpu.user + cpu.system) / 1000 / (total + warmup) }));
})().catch(e => { console.error(e); process.exit(1); });
