import { isClusterMapMessage, type ClusterMapPageMessage } from '../../src/core/cluster/clusterMapProtocol';
import './clusterMap.css';
import './page.css';
import { enableCardKeys, swapClusterMap } from './swap';

/**
 * The cluster map's own page: it shows the map the extension rendered into
 * it, then each new one the extension posts (on a swarm, machine or image
 * change: nothing is asked on a timer). Its only message back says it is
 * ready, so a page rebuilt after being hidden gets the map as it is now.
 */

interface VsCodeApi {
  postMessage(message: ClusterMapPageMessage): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const map = document.getElementById('cluster-map')!;
enableCardKeys(map);

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  if (isClusterMapMessage(e.data)) {
    swapClusterMap(map, e.data.html);
  }
});

vscode.postMessage({ type: 'ready' });
