import * as assert from 'node:assert/strict';
import { parseIpv4Addresses, virtualIpOf } from '../../src/core/machines/ipAddresses';

describe("a machine's addresses and the lab's virtual IP", () => {
  it('reads every IPv4 address of `ip -o -4 addr show`, the virtual IP included', () => {
    const out = [
      '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever',
      '2: eth0    inet 10.0.2.15/24 brd 10.0.2.255 scope global dynamic eth0\\       valid_lft 86000sec',
      '3: eth1    inet 172.17.8.101/24 brd 172.17.8.255 scope global eth1\\       valid_lft forever',
      '3: eth1    inet 172.17.8.100/32 scope global eth1\\       valid_lft forever preferred_lft forever',
      '',
    ].join('\n');
    assert.deepEqual(parseIpv4Addresses(out), ['127.0.0.1', '10.0.2.15', '172.17.8.101', '172.17.8.100']);
    assert.deepEqual(parseIpv4Addresses(''), []);
  });

  it('takes the setting only when it is an IPv4 address', () => {
    assert.equal(virtualIpOf(' 172.17.8.100 '), '172.17.8.100');
    assert.equal(virtualIpOf(''), undefined);
    assert.equal(virtualIpOf('300.1.1.1'), undefined);
    assert.equal(virtualIpOf('vip.lab'), undefined);
  });
});
