// Validates every Kubernetes object in a k8s/ folder offline with kubernetes-models (the Kubernetes OpenAPI schemas),
// checks that every YAML file there is listed by the kustomization.yaml of its folder, and checks what the schemas
// cannot: that the objects form one working Akka.NET cluster (clusterProblems, below).
// Usage: node validate.mjs ../../k8s   (after `npm ci` here). Prints one line per object; exit 1 on any problem.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import yaml from "js-yaml";

const root = process.argv[2] ?? "../../k8s";
const problems = [];
const valid = [];
let objects = 0;

async function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "kustomize.config.k8s.io") return null;
  const path = group === "monitoring.coreos.com"
    ? `@kubernetes-models/prometheus-operator/monitoring.coreos.com/${version}`
    : `kubernetes-models/${group === "" ? "" : group + "/"}${version}`;
  const module = await import(path);
  if (!module[kind]) throw new Error(`no model for ${apiVersion} ${kind}`);
  return module[kind];
}

function yamlFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

for (const file of yamlFiles(root)) {
  const name = relative(root, file);
  let docs;
  try {
    docs = yaml.loadAll(readFileSync(file, "utf8")).filter((d) => d != null);
  } catch (e) {
    problems.push(`${name}: not YAML: ${e.message}`);
    continue;
  }
  for (const doc of docs) {
    if (doc.kind === "Kustomization") {
      // Every YAML file beside a kustomization must be one of its resources.
      const dir = join(file, "..");
      const listed = new Set((doc.resources ?? []).map((r) => join(dir, r)));
      for (const other of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n) && !/^kustomization\.ya?ml$/.test(n)))
        if (!listed.has(join(dir, other))) problems.push(`${relative(root, join(dir, other))}: not listed in ${name}`);
      for (const r of listed)
        try { statSync(r); } catch { problems.push(`${name}: lists ${relative(root, r)}, which does not exist`); }
      continue;
    }
    const label = `${name}: ${doc.apiVersion} ${doc.kind} ${doc.metadata?.name ?? "(no name)"}`;
    try {
      const Model = await modelFor(doc.apiVersion, doc.kind);
      new Model(doc).validate();
      objects++;
      valid.push(doc);
      console.log(`ok   ${label}`);
    } catch (e) {
      problems.push(`${label}: ${e.message}`);
    }
  }
}

const cluster = clusterProblems(valid);
problems.push(...cluster);
if (cluster.length === 0) console.log("ok   cluster: seeds, advertised names, ports, certificate, probes, grace periods, singleton");

for (const p of problems) console.log(`FAIL ${p}`);
console.log(`${objects} objects valid, ${problems.length} problems`);
process.exit(problems.length === 0 && objects > 0 ? 0 : 1);

// What makes the objects one Akka.NET cluster (docs/operations.md): the seeds are the replay StatefulSet's stable
// DNS names, each shard advertises exactly its seed name, every member binds and exposes the cluster port, mounts the
// cluster certificate where the settings say, probes liveness and readiness, and has time to leave; the learner runs
// once; every Service and the HPA point at pods and ports that exist.
function clusterProblems(docs) {
  const out = [];
  const find = (kind, pred = () => true) => docs.filter((d) => d.kind === kind && pred(d));
  const settings = find("ConfigMap", (d) => d.metadata?.name === "softq-settings")[0];
  if (!settings) return ["cluster: no ConfigMap softq-settings"];
  const data = settings.data ?? {};
  const want = (key, ok, why) => { if (!ok(data[key])) out.push(`ConfigMap softq-settings: ${key} = ${JSON.stringify(data[key])}: ${why}`); };
  want("SOFTQ__Cluster__Host", (v) => v === "0.0.0.0", "a pod's remoting must bind 0.0.0.0");
  want("SOFTQ__Cluster__Port", (v) => /^\d+$/.test(v ?? "") && +v > 0 && +v < 65536, "a fixed cluster port");
  want("SOFTQ__Cluster__SplitBrainRole", (v) => v === "replay", "keep-majority on the stable role replay");
  want("SOFTQ__Cluster__StableAfterSeconds", (v) => +v >= 1, "stable-after of at least 1 s");
  want("SOFTQ__Cluster__FrameBytes", (v) => +v >= 65536, "one frame size for every member, at least 65536");
  want("SOFTQ__Cluster__TlsCertificate", (v) => /^\/.+\/[^/]+$/.test(v ?? ""), "an absolute path to the mounted certificate");
  const port = +data.SOFTQ__Cluster__Port;
  const certificate = data.SOFTQ__Cluster__TlsCertificate ?? "";
  const seeds = (data.SOFTQ__Cluster__Seeds ?? "").split(",").map((s) => s.trim()).filter((s) => s);
  if (seeds.length === 0) out.push("ConfigMap softq-settings: no SOFTQ__Cluster__Seeds");

  const component = (d) => d.spec?.template?.metadata?.labels?.["app.kubernetes.io/component"];
  const workloads = [...find("StatefulSet"), ...find("Deployment")];
  const replay = find("StatefulSet", (d) => component(d) === "replay")[0];
  const learner = find("Deployment", (d) => component(d) === "learner")[0];
  const actor = find("Deployment", (d) => component(d) === "actor")[0];
  if (!replay) out.push("cluster: no replay StatefulSet");
  if (!learner) out.push("cluster: no learner Deployment");
  if (!actor) out.push("cluster: no actor Deployment");

  if (replay) {
    const replicas = replay.spec.replicas ?? 1;
    if (replicas % 2 !== 1) out.push(`StatefulSet replay: ${replicas} replicas; keep-majority on role replay needs an odd count`);
    const ns = replay.metadata.namespace;
    const headless = find("Service", (d) => d.metadata?.name === replay.spec.serviceName && d.metadata?.namespace === ns)[0];
    if (!headless) out.push(`StatefulSet replay: serviceName ${replay.spec.serviceName} is no Service in ${ns}`);
    else {
      if (headless.spec.clusterIP !== "None") out.push(`Service ${headless.metadata.name}: not headless (the shards need stable pod names)`);
      if (headless.spec.publishNotReadyAddresses !== true)
        out.push(`Service ${headless.metadata.name}: publishNotReadyAddresses must be true (a shard is ready only once Up, which needs the seeds to resolve)`);
    }
    // The stable names the StatefulSet gives its pods, as seeds must spell them.
    const stable = (i) => `${replay.metadata.name}-${i}.${replay.spec.serviceName}.${ns}.svc.cluster.local`;
    const names = new Set(Array.from({ length: replicas }, (_, i) => `${stable(i)}:${port}`));
    for (const seed of seeds) if (!names.has(seed)) out.push(`ConfigMap softq-settings: seed ${seed} is not a replay pod's stable name and cluster port (${[...names][0]}, ...)`);
    if (!seeds.includes(`${stable(0)}:${port}`)) out.push("ConfigMap softq-settings: the seeds must include replay-0 (the first seed forms the cluster)");
    else if (seeds[0] !== `${stable(0)}:${port}`) out.push("ConfigMap softq-settings: the first seed must be replay-0 (the one that forms the cluster)");
    // Each shard advertises exactly its seed name.
    const env = container(replay)?.env ?? [];
    for (let i = 0; i < replicas; i++) {
      const advertised = expand(env, "SOFTQ__Cluster__PublicHost", { POD_NAME: `${replay.metadata.name}-${i}` });
      if (advertised !== stable(i)) { out.push(`StatefulSet replay: pod ${i} advertises ${advertised}, not its seed name ${stable(i)}`); break; }
    }
    if (!env.some((e) => e.name === "POD_NAME" && e.valueFrom?.fieldRef?.fieldPath === "metadata.name"))
      out.push("StatefulSet replay: POD_NAME must come from the downward API (metadata.name)");
    if (!find("PodDisruptionBudget", (d) => matches(d.spec?.selector?.matchLabels, replay.spec.template.metadata.labels)).length)
      out.push("StatefulSet replay: no PodDisruptionBudget keeps the replay majority through drains");
  }
  for (const w of [learner, actor].filter(Boolean)) {
    const e = (container(w)?.env ?? []).find((v) => v.name === "SOFTQ__Cluster__PublicHost");
    if (e?.valueFrom?.fieldRef?.fieldPath !== "status.podIP") out.push(`Deployment ${w.metadata.name}: SOFTQ__Cluster__PublicHost must be the pod IP (downward API status.podIP)`);
  }
  if (learner) {
    if (learner.spec.replicas !== 1) out.push(`Deployment learner: replicas ${learner.spec.replicas}; the learner runs once`);
    if (learner.spec.strategy?.type !== "Recreate") out.push("Deployment learner: strategy must be Recreate (never two learners on one checkpoint)");
  }

  const grace = { replay: 120, learner: 120, actor: 30 };
  for (const w of workloads) {
    const label = `${w.kind} ${w.metadata.name}`;
    const role = component(w);
    const spec = w.spec.template.spec;
    const c = container(w);
    if (!c) { out.push(`${label}: no container`); continue; }
    const args = c.args ?? [];
    if (role in grace) {
      if (args[0] !== role) out.push(`${label}: args must begin with the role ${role}, not ${args[0]}`);
      if ((spec.terminationGracePeriodSeconds ?? 30) < grace[role])
        out.push(`${label}: terminationGracePeriodSeconds ${spec.terminationGracePeriodSeconds} < ${grace[role]} (leave the cluster, snapshot/checkpoint/flush)`);
    }
    for (const gone of ["--replay", "--learner"]) if (args.includes(gone)) out.push(`${label}: ${gone} is gone; members find each other through the cluster`);
    if (role === "learner" && args.includes("--port")) out.push(`${label}: the learner serves no gRPC port (--port is unknown to serve)`);
    if (!(c.envFrom ?? []).some((f) => f.configMapRef?.name === "softq-settings")) out.push(`${label}: does not read the softq-settings ConfigMap`);
    if (!(c.env ?? []).some((v) => v.name === "SOFTQ__Cluster__PublicHost")) out.push(`${label}: no SOFTQ__Cluster__PublicHost (what other members reach it by)`);
    const ports = Object.fromEntries((c.ports ?? []).map((p) => [p.name, p.containerPort]));
    if (ports.akka !== port) out.push(`${label}: container port akka is ${ports.akka}, not the cluster port ${port}`);
    const probe = (p, path) => p?.httpGet?.path === path && p.httpGet.port === "http";
    if (!probe(c.livenessProbe, "/healthz")) out.push(`${label}: liveness must be GET /healthz on port http (the ActorSystem runs)`);
    if (!probe(c.readinessProbe, "/readyz")) out.push(`${label}: readiness must be GET /readyz on port http (this member is Up)`);
    const scrape = w.spec.template.metadata?.annotations?.["prometheus.io/port"];
    if (scrape !== undefined && +scrape !== ports.http) out.push(`${label}: prometheus.io/port ${scrape} is not the http port ${ports.http}`);
    // The cluster certificate: a Secret volume mounted where SOFTQ__Cluster__TlsCertificate points.
    const dir = certificate.slice(0, certificate.lastIndexOf("/"));
    const file = certificate.slice(certificate.lastIndexOf("/") + 1);
    const mount = (c.volumeMounts ?? []).find((m) => m.mountPath === dir);
    const volume = mount && (spec.volumes ?? []).find((v) => v.name === mount.name);
    if (!volume?.secret?.secretName) out.push(`${label}: no Secret volume mounted at ${dir} (the cluster certificate)`);
    else if (volume.secret.items && !volume.secret.items.some((i) => i.path === file)) out.push(`${label}: the certificate volume has no ${file}`);
    const password = (c.env ?? []).find((v) => v.name === "SOFTQ__Cluster__TlsCertificatePassword");
    if (volume?.secret?.secretName && password?.valueFrom?.secretKeyRef?.name !== volume.secret.secretName)
      out.push(`${label}: SOFTQ__Cluster__TlsCertificatePassword must come from the certificate's Secret ${volume.secret.secretName}`);
  }

  // Services select pods that exist and name ports those pods have.
  for (const s of find("Service")) {
    const pods = workloads.filter((w) => matches(s.spec.selector, w.spec.template.metadata.labels));
    if (pods.length === 0) { out.push(`Service ${s.metadata.name}: selects no pod`); continue; }
    for (const p of s.spec.ports ?? [])
      if (typeof p.targetPort === "string" && !pods.every((w) => (container(w)?.ports ?? []).some((c) => c.name === p.targetPort)))
        out.push(`Service ${s.metadata.name}: targetPort ${p.targetPort} is not a port of the pods it selects`);
  }
  for (const h of find("HorizontalPodAutoscaler")) {
    const t = h.spec.scaleTargetRef;
    const target = workloads.find((w) => w.kind === t.kind && w.metadata.name === t.name);
    if (!target) out.push(`HorizontalPodAutoscaler ${h.metadata.name}: scales ${t.kind} ${t.name}, which is not here`);
    else if (component(target) !== "actor") out.push(`HorizontalPodAutoscaler ${h.metadata.name}: only actor nodes scale freely (not ${component(target)})`);
  }
  return out;
}

function container(workload) {
  return workload.spec?.template?.spec?.containers?.[0];
}

function matches(selector, labels) {
  return selector != null && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

// The value Kubernetes gives variable `name` in a container: $(VAR) refers to a variable defined before it (or given).
function expand(env, name, given) {
  const values = { ...given };
  for (const e of env) {
    if (e.value !== undefined) values[e.name] = e.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, v) => values[v] ?? m);
    if (e.name === name) return values[name];
  }
  return undefined;
}
