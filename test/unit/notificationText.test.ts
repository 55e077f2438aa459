import * as assert from 'node:assert/strict';
import { english } from '../../src/core/l10n';
import { NOTIFICATION_MAX_CHARS, notificationText } from '../../src/core/text/notificationText';

const shorten = (message: string) => notificationText(message, english);

describe('notification text', () => {
  it('keeps the sentence before a dockerd log tail, and says something was left out', () => {
    const message = [
      'core-02 did not come up; its log (/root/.local/state/swarm-lab/lab-0/core-02/node.log) ends with:',
      'time="2025-03-14T09:12:01.412345678Z" level=info msg="Starting up"',
      'time="2025-03-14T09:12:01.498011231Z" level=info msg="[core] [Channel #1] Channel switches to new LB policy \\"pick_first\\"" module=grpc',
      'failed to start daemon: Error initializing network controller: error obtaining controller instance: failed to register "bridge" driver',
    ].join('\n');
    assert.deepEqual(shorten(message), {
      text: 'core-02 did not come up; its log (/root/.local/state/swarm-lab/lab-0/core-02/node.log) ends with…',
      shortened: true,
    });
  });

  it('cuts a log tail that was already joined into the sentence', () => {
    const message =
      'core-02 did not come up; its log ends with: time="2025-03-14T09:12:01Z" level=info msg="[core] Channel switches to new LB policy"';
    assert.deepEqual(shorten(message), { text: 'core-02 did not come up; its log ends with…', shortened: true });
  });

  it('leaves out lines that start with a timestamp or a logger prefix', () => {
    const message = [
      'sshd on core-01 stopped answering.',
      '[2025-03-14 09:12:01.413] sshd[412]: Server listening on 0.0.0.0 port 22.',
      'Mar 14 09:12:05 core-01 sshd[412]: error: kex_exchange_identification: Connection closed by remote host',
    ].join('\n');
    assert.deepEqual(shorten(message), { text: 'sshd on core-01 stopped answering.', shortened: true });
  });

  it('keeps the sentence before a docker build transcript', () => {
    const message = [
      'The build of registry.swarm:5000/web:1.0 failed on core-01: Step 1/6 : FROM swarm-lab/debian-base:bookworm',
      ' ---> 5d1f3c2a9b7e',
      'Step 2/6 : RUN apt-get update && apt-get install -y nope',
      ' ---> Running in 0c4fd2e81a33',
      'E: Unable to locate package nope',
      "The command '/bin/sh -c apt-get update && apt-get install -y nope' returned a non-zero code: 100",
    ].join('\n');
    assert.deepEqual(shorten(message), {
      text: 'The build of registry.swarm:5000/web:1.0 failed on core-01…',
      shortened: true,
    });
  });

  it('points to the log when the whole message is a docker build wall of text', () => {
    const message =
      'Step 1/6 : FROM swarm-lab/debian-base:bookworm ---> 5d1f3c2a9b7e Step 2/6 : WORKDIR /app ---> Using cache ' +
      '---> 9a0b1c2d3e4f Step 3/6 : COPY requirements.txt . ---> 1f2e3d4c5b6a Step 4/6 : RUN pip install -r requirements.txt';
    assert.deepEqual(shorten(message), { text: 'See the log for the details.', shortened: true });
  });

  it('drops the stack of an ssh2 error', () => {
    const message = [
      'Error: connect ECONNREFUSED 192.168.56.11:22',
      '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)',
      '    at TCPConnectWrap.callbackTrampoline (node:internal/async_hooks:130:17)',
    ].join('\n');
    assert.deepEqual(shorten(message), { text: 'Error: connect ECONNREFUSED 192.168.56.11:22', shortened: true });
  });

  it('drops a JSON answer printed after the sentence', () => {
    const message =
      'The registry refused the push of web:1.0:\n{"errors":[{"code":"DENIED","message":"requested access"}]}';
    assert.deepEqual(shorten(message), { text: 'The registry refused the push of web:1.0…', shortened: true });
  });

  it('drops a long line of command output after the first line', () => {
    const message = `vagrant up core-01 failed (1):\n${'default: '.repeat(30)}`;
    assert.deepEqual(shorten(message), { text: 'vagrant up core-01 failed (1)…', shortened: true });
  });

  it('passes a short message unchanged', () => {
    const message = 'All configured authentication methods failed';
    assert.deepEqual(shorten(message), { text: message, shortened: false });
    const question = 'Remove the service web?';
    assert.deepEqual(shorten(question), { text: question, shortened: false });
  });

  it('passes a French message with accents unchanged', () => {
    const message =
      'Le moteur Docker sur unix:///var/run/docker.sock a refusé la connexion. dockerd est-il démarré ? Vérifiez « docker info ».';
    assert.deepEqual(shorten(message), { text: message, shortened: false });
  });

  it('joins the lines a person wrote, white space collapsed, without calling that shortening', () => {
    assert.deepEqual(shorten('  No Docker engine at /var/run/docker.sock.\n\nIs   dockerd\trunning?  '), {
      text: 'No Docker engine at /var/run/docker.sock. Is dockerd running?',
      shortened: false,
    });
  });

  it('keeps a message of exactly 300 characters, and cuts one of 301 at a word', () => {
    const words = 'réplique '.repeat(33); // 297 characters, the last a space
    const exact = `${words}abc`;
    assert.equal(exact.length, NOTIFICATION_MAX_CHARS);
    assert.deepEqual(shorten(exact), { text: exact, shortened: false });
    assert.deepEqual(shorten(`${exact}d`), { text: `${'réplique '.repeat(32)}réplique…`, shortened: true });
    assert.equal(shorten(`${exact}d`).text.length, 297);
  });

  it('cuts a word that fills the notification where it must', () => {
    const path = `/srv/${'a'.repeat(400)}`;
    const { text, shortened } = shorten(`No archive in ${path}`);
    assert.equal(text, `No archive in /srv/${'a'.repeat(280)}…`);
    assert.equal(text.length, NOTIFICATION_MAX_CHARS);
    assert.equal(shortened, true);
  });

  it('does not end a cut text on punctuation before the ellipsis', () => {
    const text = shorten(`${'x'.repeat(290)} a, b, c, d, e, f`).text;
    assert.equal(text, `${'x'.repeat(290)} a, b, c…`);
  });

  it('leaves an empty message empty', () => {
    assert.deepEqual(shorten(''), { text: '', shortened: false });
  });
});
