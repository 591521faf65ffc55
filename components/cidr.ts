/**
 * IPv4 CIDR arithmetic, in one place: the config validates ranges with it, the lab component
 * builds its NetworkPolicies' exceptions with it, and the tests evaluate policies with it.
 */

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** A parsed IPv4 CIDR: its first address as a number, and its prefix length. */
export interface Cidr {
    readonly base: number;
    readonly bits: number;
    /** True when the text's address is the network's first address (no host bits set). */
    readonly isNetworkAddress: boolean;
}

/** Parses `a.b.c.d/n`; undefined for anything else (octets above 255, prefixes above 32, leading zeros). */
export function parseCidr(cidr: string): Cidr | undefined {
    const m = IPV4_CIDR.exec(cidr);
    if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32 || hasLeadingZeros(cidr)) {
        return undefined;
    }
    const ip = ipv4ToNumber(m.slice(1, 5).join("."));
    const bits = Number(m[5]);
    const size = 2 ** (32 - bits);
    return { base: ip - (ip % size), bits, isNetworkAddress: ip % size === 0 };
}

function mustParse(cidr: string): Cidr {
    const c = parseCidr(cidr);
    if (!c) throw new Error(`not an IPv4 CIDR: ${cidr}`);
    return c;
}

/** True for a well-formed IPv4 CIDR. */
export function isIpv4Cidr(cidr: string): boolean {
    return parseCidr(cidr) !== undefined;
}

/** An IPv4 address `a.b.c.d` as a number. */
function ipv4ToNumber(ip: string): number {
    return ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
}

/** The network address of a CIDR in `a.b.c.d/n` form (e.g. 10.10.0.0/20 for 10.10.0.5/20). */
export function networkOf(cidr: string): string {
    const c = mustParse(cidr);
    const octets = [24, 16, 8, 0].map((shift) => Math.floor(c.base / 2 ** shift) % 256);
    return `${octets.join(".")}/${c.bits}`;
}

/** True when every address of `inner` is in `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
    const o = mustParse(outer);
    const i = mustParse(inner);
    return i.bits >= o.bits && Math.floor(i.base / 2 ** (32 - o.bits)) === Math.floor(o.base / 2 ** (32 - o.bits));
}

/** True when the two ranges share an address. */
export function cidrsOverlap(a: string, b: string): boolean {
    return cidrContains(a, b) || cidrContains(b, a);
}

/** True when the address `ip` is in `cidr`. */
export function addressInCidr(ip: string, cidr: string): boolean {
    return cidrContains(cidr, `${ip}/32`);
}

/**
 * True when an `a.b.c.d/n`-shaped text writes an octet or the prefix with a leading zero
 * (`010.0.0.0/8`, `10.0.0.0/08`), which parsers disagree on (octal or decimal) or refuse.
 */
export function hasLeadingZeros(cidr: string): boolean {
    return /^[0-9./]+$/.test(cidr) && cidr.split(/[./]/).some((part) => part.length > 1 && part.startsWith("0"));
}
