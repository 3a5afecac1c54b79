// 人机验证 on the review page: find a nonce such that SHA-256(`challenge:nonce`)
// starts with `bits` zero bits (nonce in base 36, counting from 0), in small
// slices so the page stays responsive, then hide the sum the citizen would
// otherwise answer. SHA-256 in plain TypeScript: crypto.subtle is missing on
// plain-http sites and costs a promise per hash.

const K = Uint32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
  0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
  0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
  0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const H0 = Uint32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const W = new Uint32Array(64);
const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

export function sha256(bytes: Uint8Array): Uint32Array {
  const blocks = (bytes.length + 72) >> 6;
  const buf = new Uint8Array(blocks * 64);
  buf.set(bytes);
  buf[bytes.length] = 0x80;
  const view = new DataView(buf.buffer);
  view.setUint32(buf.length - 4, bytes.length * 8);
  const h = Uint32Array.from(H0);
  for (let block = 0; block < blocks; block++) {
    for (let t = 0; t < 16; t++) W[t] = view.getUint32(block * 64 + t * 4);
    for (let t = 16; t < 64; t++) {
      const a = W[t - 15]!;
      const b = W[t - 2]!;
      const s0 = rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3);
      const s1 = rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10);
      W[t] = W[t - 16]! + s0 + W[t - 7]! + s1;
    }
    let [a, b, c, d, e, f, g, hh] = h as unknown as [number, number, number, number, number, number, number, number];
    for (let t = 0; t < 64; t++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t]! + W[t]!) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0]! += a;
    h[1]! += b;
    h[2]! += c;
    h[3]! += d;
    h[4]! += e;
    h[5]! += f;
    h[6]! += g;
    h[7]! += hh;
  }
  return h;
}

export function zeroBits(hash: Uint32Array): number {
  let bits = 0;
  for (const word of hash) {
    if (word !== 0) return bits + Math.clz32(word);
    bits += 32;
  }
  return bits;
}

const box = document.querySelector<HTMLElement>('[data-pow]');
if (box) solve(box);

function solve(box: HTMLElement) {
  const challengeField = box.querySelector<HTMLInputElement>('input[name="pow.challenge"]')!;
  const nonceField = box.querySelector<HTMLInputElement>('input[name="pow.nonce"]')!;
  // Absent when only work counts (a lookup of a ticket that has drawn wrong codes).
  const question = box.querySelector<HTMLElement>('[data-pow-question]');
  const answer = box.querySelector<HTMLInputElement>('input[name="pow.answer"]');
  const status = box.querySelector<HTMLElement>('[data-pow-status]')!;
  const bits = Number(challengeField.dataset.bits);
  const prefix = `${challengeField.value}:`;
  const encoder = new TextEncoder();
  let n = 0;
  status.textContent = box.dataset.working ?? '';
  const slice = () => {
    const end = n + 4000;
    for (; n < end; n++) {
      const nonce = n.toString(36);
      if (zeroBits(sha256(encoder.encode(prefix + nonce))) >= bits) {
        nonceField.value = nonce;
        if (answer) answer.required = false;
        if (question) question.hidden = true;
        status.textContent = box.dataset.done ?? '';
        if (box.dataset.autosubmit !== undefined) box.closest('form')?.requestSubmit();
        return;
      }
    }
    window.setTimeout(slice, 0);
  };
  window.setTimeout(slice, 0);
}

document.getElementById('error-summary')?.focus();

// One submit per page view: a second click would only wait for the first.
const review = box?.closest('form');
if (review) {
  let sent = false;
  review.addEventListener('submit', (event) => {
    if (sent) event.preventDefault();
    sent = true;
  });
  window.addEventListener('pageshow', () => (sent = false));
}
