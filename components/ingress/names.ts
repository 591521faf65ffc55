/**
 * The edge's fixed names and pinned versions: the charts, namespaces, releases, labels and ports
 * its objects and policies use, and the facts other components read (the monitoring scrapes the
 * controller and cert-manager by these).
 */
import { CERT_MANAGER_NAMESPACE, INGRESS_NAMESPACE } from "../naming";

/**
 * F5 NGINX Ingress Controller chart 2.6.4 (controller 5.5.4), the newest release when pinned.
 * Pulled from F5's OCI registry (its release workflow pushes there); `helm.v3.Release` has
 * supported `oci://` charts since pulumi-kubernetes#1892. The controller image is the chart's
 * appVersion (`nginx/nginx-ingress:5.5.4`), so this pin also pins the image.
 */
export const NGINX_INGRESS_CHART = { chart: "oci://ghcr.io/nginx/charts/nginx-ingress", version: "2.6.4" } as const;

/**
 * cert-manager v1.21.1, the newest release when pinned (CRDs through `crds.enabled`). The
 * OCI chart at quay.io is the one cert-manager's install docs lead with; like the nginx chart it
 * needs no repository index (`repositoryOpts`), and the same form for both charts keeps one way of
 * pinning. Images default to the chart's appVersion (v1.21.1).
 */
export const CERT_MANAGER_CHART = { chart: "oci://quay.io/jetstack/charts/cert-manager", version: "v1.21.1" } as const;

// The edge's namespaces are facts other components use (the hub side's NetworkPolicies, config's
// reserved names): they live in the import-free contract module, re-exported here beside the
// edge's other names.
export { CERT_MANAGER_NAMESPACE, INGRESS_NAMESPACE };
/** Helm release name of the ingress controller (its pods: `app.kubernetes.io/instance`). */
export const INGRESS_RELEASE = "nginx-ingress";
/**
 * The labels of the controller's pods: the chart's selector labels (chart name + release name).
 * The edge's own policies select them; the proxy admits the controller by its access label
 * (NETWORK_ACCESS_LABELS.proxyHttp, added to these), not by these.
 */
export const INGRESS_CONTROLLER_POD_LABELS: Readonly<Record<string, string>> = {
    "app.kubernetes.io/name": "nginx-ingress",
    "app.kubernetes.io/instance": INGRESS_RELEASE,
};
/**
 * The controller's Service as the chart names it: `nginx-ingress.controller.service.name`, that is
 * `<fullname>-<controller.name>`, with the fullname the release name (it contains the chart's
 * name) and `controller.name` left at "controller".
 */
export const INGRESS_CONTROLLER_SERVICE = `${INGRESS_RELEASE}-controller`;
/**
 * The controller's ports: http and https (the chart's `controller.containerPort`), the
 * readiness probe (`controller.readyStatus.port`) and the Prometheus metrics
 * (`prometheus.port`, set explicitly in values.ts), all chart defaults.
 */
export const INGRESS_CONTROLLER_PORTS = { http: 80, https: 443, readiness: 8081, metrics: 9113 } as const;
/** cert-manager's Helm release name (its namespace, CERT_MANAGER_NAMESPACE, is in naming.ts). */
export const CERT_MANAGER_RELEASE = "cert-manager";
/**
 * cert-manager's pods as its chart labels them (`app.kubernetes.io/component`, with
 * `app.kubernetes.io/instance` = the release), and the ports its NetworkPolicies open: the
 * webhook's HTTPS port (`webhook.securePort`), the controller's liveness port (`http-healthz`),
 * the webhook's health port (`webhook.healthzPort`), chart defaults, and the controller's
 * Prometheus metrics port (the chart's fixed 9402).
 */
export const CERT_MANAGER_COMPONENTS = { controller: "controller", webhook: "webhook" } as const;
export const CERT_MANAGER_PORTS = { webhook: 10250, controllerHealthz: 9403, webhookHealthz: 6080, controllerMetrics: 9402 } as const;
/** The IngressClass the chart creates (`spec.controller: nginx.org/ingress-controller`). */
export const INGRESS_CLASS = "nginx";
/** The hub's Ingress and the Secret its certificate is written to (both in the hub namespace). */
export const HUB_INGRESS_NAME = "hub";
export const HUB_TLS_SECRET = "hub-tls";

/** Let's Encrypt ACME directories. */
export const ACME_DIRECTORIES = {
    production: "https://acme-v02.api.letsencrypt.org/directory",
    staging: "https://acme-staging-v02.api.letsencrypt.org/directory",
} as const;

/**
 * The HTTP-01 solver pods cert-manager starts (in the hub namespace, because of edit-in-place)
 * carry this label and listen on this port; the ingress controller must reach them there.
 */
export const ACME_SOLVER_POD_LABELS = { "acme.cert-manager.io/http01-solver": "true" } as const;
export const ACME_SOLVER_PORT = 8089;

/** Fixed node ports of the controller's NodePort Service on `local` (kind maps host 80/443 to them). */
export const LOCAL_NODE_PORTS = { http: 30080, https: 30443 } as const;

/**
 * The API server's ports as pods reach it (after the `kubernetes` Service's translation): GKE 443;
 * on `local`, kind, k3d and Docker Desktop use 6443, minikube 8443.
 */
export const API_SERVER_PORTS = { gke: [443], local: [6443, 8443] } as const;

/** pulumi-kubernetes' per-object switch: force server-side apply over other field managers. */
export const PATCH_FORCE = "pulumi.com/patchForce";

/** Idle kernels and terminals keep a websocket open for a long time: one hour before nginx cuts it. */
export const PROXY_TIMEOUT = "3600s";
/** HSTS max-age: one year. Browsers ignore the header over a connection with certificate errors. */
export const HSTS_MAX_AGE_SECONDS = 31536000;

/**
 * Which certificate authority signs the hub's certificate. Each choice is also the name of its
 * ClusterIssuer: named after the server, so switching re-issues.
 */
export type CertificateIssuer = "letsencrypt-production" | "letsencrypt-staging" | "self-signed";
