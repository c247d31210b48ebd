// A stand-in for PDOK, since the tests cannot reach it: the BRT-Achtergrondkaart's tiles (a PNG
// per {z}/{x}/{y}) and Locatieserver v3.1's suggest, lookup, free and reverse, answering in their
// documented JSON (Solr's envelope: response.numFound/start/maxScore/numFoundExact/docs, with
// weergavenaam, id, type, score and centroide_ll as "POINT(lon lat)"). It knows a few fictitious
// addresses on real street names in Vijfheerenlanden; `setDown(true)` makes the geocoder answer
// 503 as an unreachable service would (the tiles keep coming).

import http from 'node:http';
import zlib from 'node:zlib';

const STREETS = [
  { name: 'Voorstraat', postcode: '4132AP', town: 'Vianen', lat: 51.99212, lon: 5.09307 },
  { name: 'Proefweg', postcode: '4131AA', town: 'Vianen', lat: 51.98702, lon: 5.10211 },
  { name: 'Kerkstraat', postcode: '4141AT', town: 'Leerdam', lat: 51.89361, lon: 5.09224 },
  { name: 'Dorpsstraat', postcode: '4231BA', town: 'Meerkerk', lat: 51.91462, lon: 4.99461 },
];

function address(street, number) {
  // Houses along the street about 100 m apart: each has its own point, further than the 50 m in which open meldingen are shown as possible duplicates.
  const lat = street.lat + number * 0.0008;
  const lon = street.lon + number * 0.0008;
  return {
    bron: 'BAG',
    type: 'adres',
    id: `adr-${street.name.toLowerCase()}-${number}`,
    weergavenaam: `${street.name} ${number}, ${street.postcode} ${street.town}`,
    straatnaam: street.name,
    huisnummer: number,
    postcode: street.postcode,
    woonplaatsnaam: street.town,
    gemeentenaam: 'Vijfheerenlanden',
    centroide_ll: `POINT(${lon.toFixed(8)} ${lat.toFixed(8)})`,
    score: 7.5,
  };
}

function envelope(docs) {
  return { response: { numFound: docs.length, start: 0, maxScore: docs.length ? 7.5 : 0, numFoundExact: true, docs } };
}

function parse(q) {
  const text = String(q || '').toLowerCase();
  const street = STREETS.find((s) => text.includes(s.name.toLowerCase()) || (text.length >= 4 && s.name.toLowerCase().startsWith(text.split(/[\s,]/)[0])));
  const number = /(?:^|\D)(\d{1,4})(?!\d)/.exec(text.replace(/\d{4}\s?[a-z]{2}/, ''));
  return { street, number: number ? Number(number[1]) : null };
}

/** A solid 256 × 256 PNG, made once (the tile the map shows everywhere). */
function tilePng() {
  const size = 256;
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const row = Buffer.alloc(1 + size * 3);
  for (let x = 0; x < size; x++) row.set([0xe8, 0xec, 0xe4], 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: size }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export async function startPdok() {
  const png = tilePng();
  let down = false;
  const calls = { suggest: 0, lookup: 0, free: 0, reverse: 0, tiles: 0 };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://pdok.test');
    const json = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    if (/^\/brt\/\d+\/\d+\/\d+\.png$/.test(url.pathname)) {
      calls.tiles++;
      res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'max-age=3600' });
      res.end(png);
      return;
    }
    const m = /^\/bzk\/locatieserver\/search\/v3_1\/(suggest|lookup|free|reverse)$/.exec(url.pathname);
    if (!m) return json(404, { message: 'not found' });
    const endpoint = m[1];
    calls[endpoint]++;
    if (down) return json(503, { message: 'Service Unavailable' });
    const p = url.searchParams;
    if (endpoint === 'suggest') {
      const { street, number } = parse(p.get('q'));
      if (!street) return json(200, envelope([]));
      const numbers = number ? [number] : [1, 2, 3, 4, 5];
      return json(200, envelope(numbers.map((n) => {
        const a = address(street, n);
        return { type: 'adres', weergavenaam: a.weergavenaam, id: a.id, score: a.score };
      })));
    }
    if (endpoint === 'lookup') {
      const id = /^adr-([a-z]+)-(\d+)$/.exec(p.get('id') || '');
      const street = id && STREETS.find((s) => s.name.toLowerCase() === id[1]);
      return json(200, envelope(street ? [address(street, Number(id[2]))] : []));
    }
    if (endpoint === 'free') {
      const { street, number } = parse(p.get('q'));
      return json(200, envelope(street && number ? [address(street, number)] : []));
    }
    // reverse: the nearest known house, with its distance in metres.
    const lat = Number(p.get('lat'));
    const lon = Number(p.get('lon'));
    if (!Number.isFinite(lat) || !Number.isFinite(lon)) return json(400, { message: 'lat and lon required' });
    const near = STREETS.map((s) => ({ s, d: Math.hypot((s.lat - lat) * 111_000, (s.lon - lon) * 68_000) })).sort((a, b) => a.d - b.d)[0];
    const a = address(near.s, 1);
    return json(200, envelope([{ type: 'adres', weergavenaam: a.weergavenaam, id: a.id, score: 1, afstand: Math.round(near.d * 10) / 10 }]));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    base,
    geocoderUrl: `${base}/bzk/locatieserver/search/v3_1`,
    tileUrl: `${base}/brt/{z}/{x}/{y}.png`,
    calls,
    setDown(value) {
      down = value;
    },
    stop() {
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
