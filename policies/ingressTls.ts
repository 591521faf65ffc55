/**
 * k8s-ingress-tls: every host an Ingress serves is covered by one of its TLS entries, and plain
 * HTTP is redirected to HTTPS (`nginx.org/ssl-redirect` is never turned off), so logins, tokens
 * and notebooks never cross the internet in clear text.
 */
import * as k8s from "../components/sdk/kubernetes";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

/** F5 NGINX Ingress Controller's per-Ingress switch for the HTTP-to-HTTPS redirect. */
const SSL_REDIRECT = "nginx.org/ssl-redirect";

/** True when TLS host `pattern` (possibly `*.example.org`) covers `host`. */
export function tlsCovers(pattern: string, host: string): boolean {
    if (pattern === host) return true;
    if (pattern.startsWith("*.")) {
        const suffix = pattern.slice(1);
        return host.endsWith(suffix) && !host.slice(0, -suffix.length).includes(".");
    }
    return false;
}

export const ingressTls: ResourceValidationPolicy = {
    name: "k8s-ingress-tls",
    description:
        "Every Ingress has TLS for each of its hosts and redirects HTTP to HTTPS, so OAuth logins, API tokens and notebook traffic are always encrypted.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(k8s.networking.v1.Ingress, (ingress, _args, reportViolation) => {
        // F5 NIC redirects HTTP to HTTPS for a TLS host unless this annotation turns it off.
        const sslRedirect = ingress.metadata?.annotations?.[SSL_REDIRECT];
        if (sslRedirect !== undefined && sslRedirect !== "true") {
            reportViolation(`annotation ${SSL_REDIRECT}: "${sslRedirect}" serves the hub over plain HTTP too: set it to "true" (or leave it out).`);
        }
        const tls = ingress.spec?.tls ?? [];
        const rules = ingress.spec?.rules ?? [];
        if (tls.length === 0) {
            reportViolation("the Ingress has no spec.tls entry.");
            return;
        }
        const tlsHosts = tls.flatMap((t) => t.hosts ?? []);
        for (const rule of rules) {
            if (!rule.host) {
                reportViolation("a rule has no host: it serves every name, which no certificate can cover; set rule.host.");
            } else if (!tlsHosts.some((p) => tlsCovers(p, rule.host!))) {
                reportViolation(`host "${rule.host}" is in no spec.tls[].hosts.`);
            }
        }
        for (const [i, t] of tls.entries()) {
            if (!t.secretName) {
                reportViolation(`spec.tls[${i}] has no secretName.`);
            }
        }
    }),
};
