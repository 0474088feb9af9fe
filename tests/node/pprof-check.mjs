#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0
//
// An independent pprof checker for ebprof's tests, built on the npm
// package pprof-format (Datadog's decoder and encoder, no code shared with
// ebprof or protobuf-c).
//
//   node pprof-check.mjs decode FILE [--sample-type T] [--strict]
//       Validates FILE (gzipped or raw) and prints its stacks as folded
//       lines, rendered the way ebprof's folded writer does: root frame =
//       the thread name label (else the process name), frames root first,
//       inlined lines "_[i]", frames in a kernel mapping "_[k]", ';' -> ':',
//       control characters -> '?', equal lines summed, sorted bytewise.
//       --strict also demands what ebprof's writer promises (period type,
//       time, sample types, mappings with has_functions for symbols...).
//       --thread-roots renders roots as `ebprof report` does when samples
//       carry ids: "comm-PID/TID" if any sample has a tid, else "comm-PID"
//       if any has a pid.
//   node pprof-check.mjs info FILE
//       Validates FILE and prints facts about it, one a line: "sample_type
//       T/U", "default_type T", "period_type T/U", "period N", "time_nanos
//       N", "duration_nanos N", "label KEY" (each key used), "mapping FILE
//       build_id=B has_functions=0|1", "comment TEXT", "samples N".
//   node pprof-check.mjs encode FILE [--raw]
//       Writes a profile the way other tools do (Go-like heap profile: two
//       sample types, no default type, inlined lines, a location without
//       lines, odd names), gzipped unless --raw.
// Exit status: 0 ok, 1 invalid profile (one line on stderr), 2 usage.
import { readFileSync, writeFileSync } from 'node:fs'
import { gunzipSync, gzipSync } from 'node:zlib'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const pf = require('pprof-format')

function die (msg) {
  process.stderr.write(`pprof-check: ${msg}\n`)
  process.exit(1)
}

const key = (x) => String(x)
const num = (x) => (typeof x === 'bigint' ? Number(x) : Number(x || 0))

function validate (p, strict) {
  const st = p.stringTable.strings
  const str = (i, what) => {
    const n = num(i)
    if (!Number.isInteger(n) || n < 0 || n >= st.length) {
      die(`${what}: string index ${i} out of range (${st.length})`)
    }
    return st[n]
  }
  if (st.length === 0 || st[0] !== '') die('string_table[0] is not ""')
  const index = (list, what) => {
    const m = new Map()
    for (const o of list) {
      if (!num(o.id)) die(`${what} with id 0`)
      if (m.has(key(o.id))) die(`duplicate ${what} id ${o.id}`)
      m.set(key(o.id), o)
    }
    return m
  }
  const mappings = index(p.mapping, 'mapping')
  const functions = index(p.function, 'function')
  const locations = index(p.location, 'location')
  for (const f of p.function) {
    str(f.name, 'function name')
    str(f.systemName, 'function system name')
  }
  for (const m of p.mapping) {
    str(m.filename, 'mapping file')
    str(m.buildId, 'mapping build id')
  }
  for (const l of p.location) {
    if (num(l.mappingId) && !mappings.has(key(l.mappingId))) {
      die(`location ${l.id}: no mapping ${l.mappingId}`)
    }
    for (const ln of l.line) {
      if (num(ln.functionId) && !functions.has(key(ln.functionId))) {
        die(`location ${l.id}: no function ${ln.functionId}`)
      }
    }
  }
  const types = p.sampleType.map((t) => str(t.type, 'sample type'))
  p.sampleType.forEach((t) => str(t.unit, 'sample unit'))
  for (const [i, s] of p.sample.entries()) {
    if (s.value.length !== types.length) {
      die(`sample ${i + 1}: ${s.value.length} values for ${types.length} types`)
    }
    for (const id of s.locationId) {
      if (!locations.has(key(id))) die(`sample ${i + 1}: no location ${id}`)
    }
    for (const l of s.label) {
      str(l.key, 'label key')
      str(l.str, 'label value')
      str(l.numUnit, 'label unit')
    }
  }
  for (const c of p.comment) str(c, 'comment')
  if (strict) {
    if (types.length === 0) die('no sample types')
    if (!p.periodType || !str(p.periodType.type, 'period type')) die('no period type')
    if (!num(p.timeNanos)) die('no time_nanos')
    for (const l of p.location) {
      if (l.line.length === 0) die(`location ${l.id} has no lines`)
      if (num(l.mappingId) && !mappings.get(key(l.mappingId)).hasFunctions) {
        const f = functions.get(key(l.line[l.line.length - 1].functionId))
        if (f && !/^\[.*\]$/.test(str(f.name))) {
          die(`mapping ${l.mappingId} holds symbols but has_functions is false`)
        }
      }
    }
  }
  return { st, str, mappings, functions, locations, types }
}

const SUFFIX = /_\[[kjiw]\]$/

function escapeName (s) {
  let out = ''
  for (const ch of s) {
    const c = ch.codePointAt(0)
    out += ch === ';' ? ':' : c < 0x20 || c === 0x7f ? '?' : ch
  }
  return out
}

function render (p, v, sampleType, threadRoots) {
  const { str, mappings, functions, locations, types } = v
  let t = types.length - 1
  if (sampleType) {
    t = types.indexOf(sampleType)
    if (t < 0) die(`no sample type '${sampleType}'`)
  } else if (num(p.defaultSampleType)) {
    const d = types.indexOf(str(p.defaultSampleType))
    if (d >= 0) t = d
  }
  const lineName = (loc, i) => {
    const n = loc.line.length
    const inlined = i < n - 1
    const f = n && num(loc.line[i].functionId) ? functions.get(key(loc.line[i].functionId)) : null
    const map = num(loc.mappingId) ? mappings.get(key(loc.mappingId)) : null
    const file = map ? str(map.filename) : ''
    if (!f) {
      // no symbol: "[module]" or "[unknown]"
      const base = file ? file.split('/').pop() : ''
      return escapeName(`[${base || 'unknown'}]`)
    }
    const name = str(f.name) || str(f.systemName)
    if (inlined) return escapeName(name) + '_[i]'
    // a folded suffix ending the name of a location's last line is its kind
    if (SUFFIX.test(name) && name.length > 4) {
      return escapeName(name.slice(0, -4)) + name.slice(-4)
    }
    const kernel = /^(\[kernel|\[vmlinux|vmlinux)/.test(file)
    return escapeName(name) + (kernel ? '_[k]' : '')
  }
  const lines = new Map()
  const nums = (s) => {
    const n = {}
    for (const l of s.label) n[str(l.key)] = num(l.num)
    return n
  }
  let idMode = ''
  if (threadRoots) {
    for (const s of p.sample) {
      const n = nums(s)
      if (n.tid) idMode = 'tid'
      else if (n.pid && !idMode) idMode = 'pid'
    }
  }
  for (const s of p.sample) {
    const labels = {}
    for (const l of s.label) labels[str(l.key)] = str(l.str)
    const root = labels.thread_comm || labels.thread_name ||
      labels['thread name'] || labels.comm || labels.process_name ||
      labels['process name'] || ''
    const n = nums(s)
    const ids = idMode === 'tid' ? `-${n.pid || 0}/${n.tid || 0}` : idMode === 'pid' ? `-${n.pid || 0}` : ''
    const frames = root ? [escapeName(root) + ids] : []
    for (let j = s.locationId.length - 1; j >= 0; j--) {
      const loc = locations.get(key(s.locationId[j]))
      const n = loc.line.length
      if (n === 0) frames.push(lineName(loc, 0))
      for (let i = n - 1; i >= 0; i--) frames.push(lineName(loc, i))
    }
    const value = num(s.value[t])
    const text = frames.join(';')
    if (value === 0 || text === '') continue
    lines.set(text, (lines.get(text) || 0) + value)
  }
  const keys = [...lines.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
  return keys.map((k) => `${k} ${lines.get(k)}\n`).join('')
}

function load (file) {
  let buf = readFileSync(file)
  if (buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf)
    } catch (e) {
      die(`bad gzip: ${e.message}`)
    }
  }
  let p
  try {
    p = pf.Profile.decode(new Uint8Array(buf))
  } catch (e) {
    die(`cannot decode: ${e.message}`)
  }
  return p
}

function decode (file, sampleType, strict, threadRoots) {
  const p = load(file)
  const v = validate(p, strict)
  process.stdout.write(render(p, v, sampleType, threadRoots))
}

function info (file) {
  const p = load(file)
  const v = validate(p, false)
  const { str, types } = v
  const out = []
  for (const t of p.sampleType) out.push(`sample_type ${str(t.type)}/${str(t.unit)}`)
  let d = types.length - 1
  if (num(p.defaultSampleType) && types.indexOf(str(p.defaultSampleType)) >= 0) {
    d = types.indexOf(str(p.defaultSampleType))
  }
  out.push(`default_type ${types[d]}`)
  if (p.periodType) out.push(`period_type ${str(p.periodType.type)}/${str(p.periodType.unit)}`)
  out.push(`period ${p.period}`)
  out.push(`time_nanos ${p.timeNanos}`)
  out.push(`duration_nanos ${p.durationNanos}`)
  const keys = new Set()
  for (const s of p.sample) for (const l of s.label) keys.add(str(l.key))
  for (const k of [...keys].sort()) out.push(`label ${k}`)
  for (const m of p.mapping) {
    out.push(`mapping ${str(m.filename)} build_id=${str(m.buildId)} has_functions=${m.hasFunctions ? 1 : 0}`)
  }
  for (const c of p.comment) out.push(`comment ${str(c)}`)
  out.push(`samples ${p.sample.length}`)
  process.stdout.write(out.join('\n') + '\n')
}

function encode (file, raw) {
  const st = new pf.StringTable()
  const s = (x) => st.dedup(x)
  const fn = (id, name, sys) => new pf.Function({ id, name: s(name), systemName: s(sys || '') })
  const functions = [
    fn(1, 'main.main'),
    fn(2, 'main.(*Server).handle'),
    fn(3, 'runtime.mallocgc'),
    fn(4, 'encoding/json.Marshal'),
    fn(5, 'odd;name with spaces'),
    fn(6, 'héllo wörld', '_Z5hellov'),
    fn(7, '')
  ]
  const mapping = new pf.Mapping({
    id: 1,
    memoryStart: 0x400000,
    memoryLimit: 0x800000,
    fileOffset: 0,
    filename: s('/usr/local/bin/gosvc'),
    buildId: s('4a6f1e3bd2c8a1f0'),
    hasFunctions: true
  })
  const line = (functionId, l) => new pf.Line({ functionId, line: l })
  const locations = [
    new pf.Location({ id: 10, mappingId: 1, address: 0x401000, line: [line(1, 10)] }),
    // mallocgc and Marshal inlined into handle: callee first, caller last
    new pf.Location({ id: 11, mappingId: 1, address: 0x402000, line: [line(3, 5), line(4, 7), line(2, 42)] }),
    new pf.Location({ id: 12, mappingId: 1, address: 0x403000, line: [] }),
    new pf.Location({ id: 13, address: 0, line: [line(5, 1)] }),
    new pf.Location({ id: 14, address: 0, line: [line(6, 1)] }),
    new pf.Location({ id: 15, address: 0, line: [line(7, 1)] })
  ]
  const label = (k, v) => new pf.Label({ key: s(k), str: s(v) })
  const numLabel = (k, v, u) => new pf.Label({ key: s(k), num: v, numUnit: s(u) })
  const sample = (ids, values, labels = []) => new pf.Sample({ locationId: ids, value: values, label: labels })
  const samples = [
    sample([11, 10], [3, 3072], [numLabel('bytes', 1024, 'bytes')]),
    sample([12, 10], [1, 512], [label('thread_name', 'gc worker')]),
    sample([13, 10], [2, 64]),
    sample([14, 11, 10], [5, 500]),
    sample([15, 10], [7, 0]),
    sample([11, 10], [1, 1024], [numLabel('bytes', 1024, 'bytes')])
  ]
  const types = [
    new pf.ValueType({ type: s('alloc_objects'), unit: s('count') }),
    new pf.ValueType({ type: s('alloc_space'), unit: s('bytes') })
  ]
  const profile = new pf.Profile({
    sampleType: types,
    sample: samples,
    mapping: [mapping],
    location: locations,
    function: functions,
    stringTable: st,
    timeNanos: 1700000000123456789n,
    durationNanos: 30000000000,
    periodType: new pf.ValueType({ type: s('space'), unit: s('bytes') }),
    period: 524288,
    comment: [s('written by pprof-format')]
  })
  const bytes = Buffer.from(profile.encode())
  writeFileSync(file, raw ? bytes : gzipSync(bytes))
}

const args = process.argv.slice(2)
const opt = (name) => {
  const i = args.indexOf(name)
  if (i < 0) return undefined
  const v = args[i + 1]
  args.splice(i, 2)
  return v
}
const flag = (name) => {
  const i = args.indexOf(name)
  if (i < 0) return false
  args.splice(i, 1)
  return true
}
const sampleType = opt('--sample-type')
const strict = flag('--strict')
const raw = flag('--raw')
const threadRoots = flag('--thread-roots')
if (args[0] === 'decode' && args.length === 2) {
  decode(args[1], sampleType, strict, threadRoots)
} else if (args[0] === 'info' && args.length === 2) {
  info(args[1])
} else if (args[0] === 'encode' && args.length === 2) {
  encode(args[1], raw)
} else {
  process.stderr.write('usage: pprof-check.mjs decode FILE [--sample-type T] [--strict] [--thread-roots] | info FILE | encode FILE [--raw]\n')
  process.exit(2)
}
