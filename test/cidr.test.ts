/** IPv4 CIDR arithmetic shared by the config, the lab's NetworkPolicies and the policy tests. */
import * as assert from "assert";
import { addressInCidr, cidrContains, cidrsOverlap, hasLeadingZeros, isIpv4Cidr, networkOf, parseCidr } from "../components/cidr";

describe("cidr", () => {
    it("parses only well-formed IPv4 CIDRs", () => {
        for (const ok of ["0.0.0.0/0", "10.10.0.0/20", "255.255.255.255/32"]) assert.ok(isIpv4Cidr(ok), ok);
        for (const bad of ["999.0.0.0/8", "10.0.0.0/33", "10.0.0.0", "10.0.0/8", "a.b.c.d/8", " 10.0.0.0/8"]) assert.ok(!isIpv4Cidr(bad), bad);
        assert.deepStrictEqual(parseCidr("10.10.0.5/20"), { base: ipBase(10, 10, 0, 0), bits: 20, isNetworkAddress: false });
        assert.strictEqual(parseCidr("10.10.0.0/20")!.isNetworkAddress, true);
    });

    it("refuses leading zeros, which parsers read as octal or refuse", () => {
        for (const bad of ["010.10.0.0/20", "10.010.0.0/20", "10.0.0.00/24", "10.0.0.0/08"]) {
            assert.ok(hasLeadingZeros(bad) && !isIpv4Cidr(bad), bad);
        }
        for (const ok of ["10.0.0.0/8", "0.0.0.0/0", "100.64.0.0/10"]) assert.ok(!hasLeadingZeros(ok) && isIpv4Cidr(ok), ok);
    });

    it("computes containment, overlap and network addresses", () => {
        assert.ok(cidrContains("10.0.0.0/8", "10.16.0.0/14"));
        assert.ok(!cidrContains("10.16.0.0/14", "10.0.0.0/8"));
        assert.ok(cidrContains("0.0.0.0/0", "192.168.1.0/24"));
        assert.ok(cidrsOverlap("10.16.0.0/14", "10.16.8.0/24") && cidrsOverlap("10.16.8.0/24", "10.16.0.0/14"));
        assert.ok(!cidrsOverlap("10.10.0.0/20", "10.20.0.0/20"));
        assert.strictEqual(networkOf("10.10.9.5/20"), "10.10.0.0/20");
        assert.ok(addressInCidr("169.254.169.254", "169.254.0.0/16"));
        assert.ok(!addressInCidr("10.11.0.5", "10.10.0.0/20"));
    });
});

function ipBase(a: number, b: number, c: number, d: number): number {
    return ((a * 256 + b) * 256 + c) * 256 + d;
}
