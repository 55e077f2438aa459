/**
 * The sample project is written for the local lab, whose kernel has no
 * IPVS: its published port is `mode: host` on a global service, and its
 * services resolve by DNS round robin (`endpoint_mode: dnsrr`). On VMs the
 * routing mesh and service VIPs work, and the lab deploys the course's
 * form: these few scalars turned back (`ingress`, `vip`), every other byte
 * of the file kept.
 */
import { rewriteScalar, scalarStyle } from '../compose/composeEdits';
import { loadYaml } from '../compose/composeYaml';
import type { TextEdit } from '../text/textEdit';

/** What each service's workaround becomes on VMs: `ports[].mode`, `deploy.endpoint_mode`. */
const MESH_FORM: ReadonlyArray<{ readonly path: 'ports' | 'deploy'; readonly key: string; from: string; to: string }> =
  [
    { path: 'ports', key: 'mode', from: 'host', to: 'ingress' },
    { path: 'deploy', key: 'endpoint_mode', from: 'dnsrr', to: 'vip' },
  ];

/** The edits giving the routing mesh's form; none when the file has no workaround (a student's own file). */
export async function routingMeshEdits(text: string): Promise<TextEdit[]> {
  const Y = await loadYaml();
  const edits: TextEdit[] = [];
  for (const doc of Y.parseAllDocuments(text)) {
    if (!('contents' in doc)) {
      continue;
    }
    const services = doc.get('services', true);
    if (!Y.isMap(services)) {
      continue;
    }
    for (const pair of services.items) {
      const service = pair.value;
      if (!Y.isMap(service)) {
        continue;
      }
      for (const rule of MESH_FORM) {
        const holder = service.get(rule.path, true);
        const maps = Y.isSeq(holder) ? holder.items : [holder];
        for (const map of maps) {
          const scalar = Y.isMap(map) ? map.get(rule.key, true) : undefined;
          if (!Y.isScalar(scalar) || scalar.value !== rule.from || !scalar.range) {
            continue;
          }
          const style = scalarStyle(scalar.type);
          if (style !== 'block') {
            edits.push(rewriteScalar(text, scalar.range[0], scalar.range[1], style, rule.to));
          }
        }
      }
    }
  }
  return edits;
}
