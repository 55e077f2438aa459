import * as assert from 'node:assert/strict';
import { english } from '../../src/core/l10n';
import { formatReport } from '../../src/core/report/reportFormat';
import { importReport, type ImportPreview } from '../../src/core/report/reportImport';
import type { ReportModel } from '../../src/core/report/reportModel';
import { parseReport } from '../../src/core/report/reportParse';
import { assertAnswersFromPreview, assertNothingLost } from './reportInvariants';
import { fixture, frenchLocalizer, HAND_WRITTEN, outline } from './reportFixtures';

function answers(model: ReportModel): Record<string, string> {
  const out: Record<string, string> = {};
  for (const q of model.sections.flatMap((s) => s.questions)) {
    if (q.text !== '') {
      out[q.id] = q.text;
    }
  }
  return out;
}

/** id → [confidence, the answer's first line] for each mapping, in source order. */
function table(preview: ImportPreview): Array<[string, string, string]> {
  return preview.mappings.map((m) => [m.questionId, m.confidence, m.excerpt]);
}

const SEED_TITLE = '# TP1 Cloud : Architectures complexes cloud-like';

describe('importReport: the seed report', () => {
  const text = fixture('seed-tp1.md');
  const preview = importReport(text, outline, english);
  const got = answers(preview.model);

  it('maps Q1 to Q8, each from the line naming it, and nothing else', () => {
    assert.deepEqual(
      preview.mappings.map((m) => [m.questionId, m.confidence]),
      ['Q1', 'Q2', 'Q3', 'Q4', 'Q5', 'Q6', 'Q7', 'Q8'].map((id) => [id, 'high']),
    );
    assert.deepEqual(Object.keys(got), ['Q1', 'Q2', 'Q3', 'Q4', 'Q5', 'Q6', 'Q7', 'Q8']);
    assert.deepEqual(preview.unmapped, []);
    assert.equal(preview.model.otherNotes, undefined);
  });

  it('keeps each answer exactly as written, code blocks included', () => {
    assert.equal(
      got.Q1,
      "Pour fonctionner Weave cloud lance un agent installé sur le poste. C'est ce dernier qui initie le conteneur ",
    );
    assert.match(got.Q2, /^Un sytème de fichier distribué est .* via un protocole\.$/);
    assert.match(got.Q3, /^Un moyen simple .* provisionning de notre Vagrantfile$/);
    assert.equal(got.Q4.split('\n').length, 6);
    assert.match(got.Q4, /^Un docker ps sur les hosts .*core-02\n```\ncore@core-02 ~ \$ docker ps\n/);
    assert.match(got.Q4, /registry\.1\.ixaquyhkux1i8g3qkiteg1vzp\n```$/);
    assert.match(got.Q5, /^Un docker service ls .* qu'on y a intégré$/);
    assert.equal(
      got.Q6.split('\n')[0],
      "`--net=host` permet au conteneur keepalived de créer un pont avec avec le réseau du swarm. Accès indispensable à l'application pour servir d'IP Virtuelle.",
    );
    assert.match(
      got.Q6,
      /nsenter --target \$PID --mount --uts --ipc --net --pid\n.*\n.*\n.*\n {4}inet 192\.168\.100\.100\/32 scope global eth1\n```$/,
    );
    assert.match(got.Q7, /^vrrp est un protocole .* pour être le maitre\.$/);
    assert.equal(
      got.Q8,
      "Un collector est un outil permettant d'agréger un grand nombre d'information sur un système et les présenter sous différents format.",
    );
  });

  it("titles each question with the student's own wording of it", () => {
    const titles = Object.fromEntries(preview.model.sections.flatMap((s) => s.questions).map((q) => [q.id, q.title]));
    assert.equal(
      titles.Q2,
      "expliquer rapidement le principe d'un système de fichiers distribué (distributed filesystem)",
    );
    assert.equal(titles.Q5, 'pourquoi le service est accessible depuis tous les hôtes ? Documentez vous sur internet.');
    assert.equal(titles.Q9, 'Comment fonctionne chacun des outils déployés ?', 'unanswered: the lab title');
  });

  it('finds the sections by their title or by the answers under them, and keeps the step notes there', () => {
    assert.deepEqual(
      preview.sections.map((s) => [s.sectionNumber, s.heading]),
      [
        [1, '## Prérequies'],
        [2, '## Docker Swarm'],
        [4, '# Weave Cloud'],
        [5, '# Ceph'],
        [6, '# Registry - Part 1'],
        [8, '# Keepalived'],
        [9, '# Show me your metrics'],
      ],
    );
    const notes = new Map(preview.model.sections.map((s) => [s.number, s.notes]));
    assert.equal(preview.model.preamble, SEED_TITLE);
    assert.match(notes.get(1) ?? '', /^### Vagrantfile\nAjouter un disque 10 GB\n```\nunless File\.exist\?/);
    assert.match(
      notes.get(2) ?? '',
      /^### Configurer le docker swarm\n[^]*### Lancer les services\n`docker stack deploy python_dirty_app -c docker-compose\.yml`$/,
    );
    assert.match(
      notes.get(4) ?? '',
      /^```\nsudo curl -L git\.io\/scope[^]*scope launch --service-token=\{TOKEN\}\n```$/,
    );
    assert.equal(preview.model.sections.find((s) => s.number === 9)?.title, 'Show me your metrics');
  });
});

describe('importReport: hand-written styles', () => {
  it('reads `#### Qn : question >` headings, sub-headings and quotes staying in the answer', () => {
    const preview = importReport(fixture('heading-style.md'), outline, english);
    assert.deepEqual(
      table(preview).map(([id, c]) => [id, c]),
      ['Q1', 'Q2', 'Q3', 'QB1', 'Q4', 'Q5'].map((id) => [id, 'high']),
    );
    const got = answers(preview.model);
    assert.match(
      got.Q1,
      /qui lance les autres conteneurs pour lui\.\n\n##### Détail\n`docker inspect weavescope`[^]*```$/,
    );
    assert.match(got.Q2, /^> Les données sont réparties/);
    assert.equal(
      preview.model.sections.find((s) => s.number === 5)?.notes,
      'Les trois `mon` tournent sur core-01 à core-03.',
    );
    assert.equal(preview.model.preamble, '# Compte rendu — TP1 Cloud\nBinôme : Alice Martin, Bob Durand');
    const q1 = preview.model.sections.flatMap((s) => s.questions).find((q) => q.id === 'Q1');
    assert.equal(q1?.title, 'Comment ce conteneur a-t-il pu lancer des conteneurs sur votre hôte ?', 'without the `>`');
  });

  it('reads `##### Réponse N:` as the Nth question of the section around it', () => {
    const preview = importReport(fixture('reponse-numbered.md'), outline, english);
    assert.deepEqual(table(preview), [
      ['Q1', 'medium', 'Grâce au socket Docker monté dans le conteneur.'],
      ['Q2', 'medium', 'Un système de fichiers distribué répartit les fichiers sur plusieurs machines.'],
      ['Q3', 'medium', 'Avec Ansible : un rôle par démon Ceph.'],
      ['QB1', 'medium', 'Oui, via un plugin de volume.'],
      ['Q6', 'medium', "`--net=host` donne au conteneur la pile réseau de l'hôte :"],
      ['Q7', 'medium', "Le nœud de plus haute priorité devient maître et annonce l'IP virtuelle."],
      ['Q11', 'medium', 'restic vers un stockage objet, lancé par un service swarm global.'],
    ]);
    assert.equal(preview.mappings[2].why, 'Answer 2 of section 5.');
    const got = answers(preview.model);
    assert.equal(got.Q3, 'Avec Ansible : un rôle par démon Ceph.', 'the marker line is not text of the answer');
    assert.deepEqual(preview.mappings[2].lines, { first: 20, last: 21 });
    const marker = preview.mappings[2].markerRange;
    assert.equal(marker && fixture('reponse-numbered.md').slice(marker.start, marker.end), '##### Réponse 2:');
    assert.match(preview.model.sections.find((s) => s.number === 5)?.notes ?? '', /^1\. Expliquer[^]*3\. Bonus/);
  });

  it('reads `**Answer**` blocks with `-->` bullets: by question text, by id, or in order', () => {
    const preview = importReport(fixture('answer-arrows.md'), outline, english);
    assert.deepEqual(
      preview.mappings.map((m) => [m.questionId, m.confidence, m.why]),
      [
        ['Q4', 'low', 'Answer block 1 of section 6.'],
        ['Q5', 'low', 'Answer block 2 of section 6.'],
        ['Q6', 'high', 'The line names Q6.'],
        ['Q7', 'medium', 'Its question text resembles Q7.'],
        ['Q8', 'low', 'Answer block 1 of section 9.'],
      ],
    );
    const got = answers(preview.model);
    assert.equal(
      got.Q5,
      '--> the routing mesh: the ingress network\n--> every node listens on 5000 and forwards to the task',
    );
    assert.equal(
      got.Q6,
      "--> the container shares the host's network namespace\n--> `ip a` inside it shows eth1 with the virtual IP",
    );
    const titles = Object.fromEntries(preview.model.sections.flatMap((s) => s.questions).map((q) => [q.id, q.title]));
    assert.equal(titles.Q5, 'Why can every host reach the service?', 'the question text above the marker');
    assert.equal(titles.Q6, 'What does --net=host do exactly? Show it with nsenter.');
    assert.equal(preview.model.preamble, 'TP1 Cloud - compte rendu (Emma L.)');
  });

  it('keeps CRLF, tables and nested lists, and sends an unknown question to the notes', () => {
    const text = fixture('bold-crlf.md');
    assert.ok(text.includes('\r\n'), 'the fixture is CRLF');
    const preview = importReport(text, outline, english);
    assert.deepEqual(Object.keys(answers(preview.model)), ['Q6', 'Q7', 'Q9']);
    assert.equal(preview.model.eol, '\r\n');
    assert.match(answers(preview.model).Q6, /\n\n\| Nœud \| Priorité \| État \|\n\|---\|---\|---\|\n[^]*BACKUP \|$/);
    assert.equal(
      answers(preview.model).Q9,
      '- prometheus\n  - interroge les exporters\n  - stocke les séries\n- grafana\n  1. lit prometheus\n  2. affiche les tableaux de bord',
    );
    assert.deepEqual(
      preview.unmapped.map((u) => [u.excerpt, u.why]),
      [["**Q12 : question d'un autre TP**", 'Q12 is not a question of this lab.']],
    );
    assert.equal(
      preview.model.otherNotes?.text,
      "**Q12 : question d'un autre TP**\nCe texte ne correspond à aucune question.",
    );
    const written = formatReport(preview.model);
    assert.equal(written.replace(/\r\n/g, '').includes('\n'), false, 'written with CRLF only');
  });

  it('never reads a heading or a question inside fenced code', () => {
    const preview = importReport(fixture('code-blocks.md'), outline, english);
    assert.deepEqual(Object.keys(answers(preview.model)), ['Q2', 'Q3', 'Q4', 'Q5', 'Q6']);
    const got = answers(preview.model);
    assert.match(
      got.Q2,
      /```bash\n# Q3 : ceci est un commentaire[^]*## 6\. Registry\n\*\*Q4 : pas une question non plus\*\*[^]*```\nSuite de la réponse à Q2, après le bloc\.$/,
    );
    assert.match(got.Q3, /^~~~yaml\n# Q5\n/);
    assert.match(
      got.Q4,
      /````md\n```\n\*\*Q5 : toujours dans le bloc de quatre accents graves\*\*\n```\n````\nFin de la réponse à Q4\.$/,
    );
    assert.equal(
      preview.mappings.find((m) => m.questionId === 'Q5')?.excerpt,
      'Le routing mesh. Un bloc jamais fermé suit :',
    );
    // The fence never closed does not hide Q6, and is closed in the report written.
    assert.equal(got.Q6, "Le conteneur partage la pile réseau de l'hôte.");
    const written = parseReport(formatReport(preview.model), outline);
    assert.match(written.answers.get('Q5')?.text ?? '', /docker ps'; done\n```$/);
    assert.equal(written.answers.get('Q6')?.text, got.Q6);
  });

  it('keeps images and tables in the answers, with `Question N` headings', () => {
    const preview = importReport(fixture('images-tables.md'), outline, english);
    assert.deepEqual(Object.keys(answers(preview.model)), ['Q8', 'Q9', 'Q10']);
    const got = answers(preview.model);
    assert.match(got.Q8, /\n\n!\[Tableau de bord Grafana\]\(images\/grafana\.png\)$/);
    assert.match(got.Q9, /^\| Outil \| Port \| Rôle \|\n\|---\|---\|---\|\n/);
    assert.match(
      got.Q10,
      /^!\[schéma de traefik\]\(\.\/img\/traefik%20schema\.png "Traefik"\)\n[^]*!\[capture manquante\]\(img\/absente\.png\)$/,
    );
  });

  it('keeps a report in an unknown style whole, in the other notes', () => {
    const text = fixture('unknown-style.md');
    const preview = importReport(text, outline, english);
    assert.deepEqual(preview.mappings, []);
    assert.deepEqual(preview.sections, []);
    assert.equal(preview.model.preamble, '');
    assert.equal(preview.model.otherNotes?.title, 'Other notes');
    assert.equal(preview.model.otherNotes?.text, text.trim());
    assert.deepEqual(
      preview.unmapped.map((u) => u.why),
      ['No question or section of the lab was found in the file.'],
    );
  });

  it('explains the mapping in the language of the Localizer', () => {
    const preview = importReport(fixture('reponse-numbered.md'), outline, frenchLocalizer());
    assert.equal(preview.mappings[0].why, 'Réponse 1 de la section 4.');
    assert.equal(preview.sections[0].why, 'Le titre porte le numéro 4.');
    assert.equal(
      importReport(fixture('unknown-style.md'), outline, frenchLocalizer()).model.otherNotes?.title,
      'Autres notes',
    );
  });
});

describe('importReport: nothing lost', () => {
  for (const name of HAND_WRITTEN) {
    it(`${name}: every line is in the report written, the ones made headings word for word`, () => {
      assertNothingLost(name, fixture(name));
    });
  }

  it('never reorders an answer: it is the source text of its blocks, as the preview says', () => {
    for (const name of HAND_WRITTEN) {
      assertAnswersFromPreview(name, fixture(name).replace(/\r\n/g, '\n'));
    }
  });

  it('imports a report it wrote as it is', () => {
    for (const name of HAND_WRITTEN) {
      const model = importReport(fixture(name), outline, english).model;
      const again = importReport(formatReport(model), outline, english);
      assert.deepEqual(again.model, model, name);
      assert.ok(
        again.mappings.every((m) => m.confidence === 'high'),
        name,
      );
    }
  });
});

describe('importReport: lines of the style fixtures shuffled (cases a fuzzing run found)', () => {
  const text = (lines: string[]): string => `${lines.join('\n')}\n`;

  it('reports a marker line left out even when its block stays empty', () => {
    const source = text(['# 5. Ceph', '', '##### Réponse 1:', '', '##### Réponse 2:', 'Ansible.']);
    assertNothingLost('empty marker', source);
    const preview = importReport(source, outline, english);
    assert.deepEqual(
      preview.mappings.map((m) => [
        m.questionId,
        m.markerRange && source.slice(m.markerRange.start, m.markerRange.end),
      ]),
      [
        ['Q2', '##### Réponse 1:'],
        ['Q3', '##### Réponse 2:'],
      ],
    );
  });

  it('starts a section named by a heading after a question written before any section', () => {
    const preview = importReport(
      text(['**Q3 : automatiser ?**', 'Ansible.', '## 9. Show me your metrics', 'Notes.']),
      outline,
      english,
    );
    assert.deepEqual(
      preview.sections.map((s) => s.sectionNumber),
      [9],
    );
    assert.equal(preview.model.sections.find((s) => s.number === 9)?.notes, 'Notes.');
    assert.equal(answers(preview.model).Q3, 'Ansible.');
  });

  it('keeps everything after an Other notes heading there, as the report format does', () => {
    const preview = importReport(
      text(['## 8. Keepalived', '## Autres notes', '# Registry', '**Q4 : où ?**', 'core-02']),
      outline,
      english,
    );
    assert.equal(preview.model.otherNotes?.text, '# Registry\n**Q4 : où ?**\ncore-02');
    assert.deepEqual(answers(preview.model), {});
  });

  it('keeps a heading number that is not the number of the section it holds', () => {
    const preview = importReport(text(['# 5. Ceph', '**Q1 : comment ?**', 'Le socket.']), outline, english);
    assert.equal(preview.model.sections.find((s) => s.number === 4)?.title, '5. Ceph');
  });
});
