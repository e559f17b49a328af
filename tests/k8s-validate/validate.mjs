// Validates every Kubernetes object in a k8s/ folder offline with kubernetes-models (the Kubernetes OpenAPI schemas),
// and checks that every YAML file there is listed by the kustomization.yaml of its folder.
// Usage: node validate.mjs ../../k8s   (after `npm ci` here). Prints one line per object; exit 1 on any problem.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import yaml from "js-yaml";

const root = process.argv[2] ?? "../../k8s";
const problems = [];
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
      console.log(`ok   ${label}`);
    } catch (e) {
      problems.push(`${label}: ${e.message}`);
    }
  }
}

for (const p of problems) console.log(`FAIL ${p}`);
console.log(`${objects} objects valid, ${problems.length} problems`);
process.exit(problems.length === 0 && objects > 0 ? 0 : 1);
