import { describe, expect, test } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * Whoever carries the project on follows the files its comments and docs name: each must be in the repository.
 * The README is the door for newcomers, so it stays short and sends them to docs/ for the rest.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const README_MAX_BYTES = 15 * 1024;
const SCRIPT_EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs', '.cjs', '.tsx']);
const YAML_EXTENSIONS = new Set(['.yaml', '.yml']);
/** Installed or generated trees, and dot folders (git, local data): not the project's own text. */
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'build', 'coverage']);

function projectFiles(folder = ROOT): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name)) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...projectFiles(path));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/** Every comment of a script, found by the TypeScript parser (so `//` inside strings and URLs is not one). */
function scriptComments(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const comments = new Map<number, string>();
  const collect = (ranges: ts.CommentRange[] | undefined) => {
    for (const range of ranges ?? []) comments.set(range.pos, text.slice(range.pos, range.end));
  };
  const visit = (node: ts.Node) => {
    collect(ts.getLeadingCommentRanges(text, node.getFullStart()));
    collect(ts.getTrailingCommentRanges(text, node.getEnd()));
    ts.forEachChild(node, visit);
  };
  visit(source);
  collect(ts.getLeadingCommentRanges(text, source.endOfFileToken.getFullStart()));
  return [...comments.values()];
}

/** YAML comments: from a `#` at the start of a line or after white space (a `#` inside a value is no comment). */
function yamlComments(text: string): string[] {
  return text.split('\n').flatMap((line) => {
    const match = /(?:^|\s)#(.*)$/.exec(line);
    return match ? [match[1] as string] : [];
  });
}

/** Markdown file names written in prose (a bare name or a path), web addresses left out. */
function markdownFileNames(text: string): string[] {
  const withoutUrls = text.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, ' ');
  return [...withoutUrls.matchAll(/(?<![\w./-])((?:\.{1,2}\/)?[\w-][\w./-]*\.md)\b/g)].map((match) => match[1] as string);
}

interface LinkTarget {
  /** A path relative to the document; empty for a link to a section of the same document. */
  path: string;
  /** The `#section` part, without the `#`; empty when none. */
  section: string;
}

/** Markdown links and images that stay inside the repository: `[text](path#section)`, `![alt](path "title")`. */
function relativeLinks(markdown: string): LinkTarget[] {
  const links: LinkTarget[] = [];
  for (const match of markdown.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    const [path = '', section = ''] = (match[1] as string).split('#');
    if (/^[a-z][a-z0-9+.-]*:/i.test(path)) continue;
    links.push({ path: decodeURI(path), section });
  }
  return links;
}

function relativeLinkTargets(markdown: string): string[] {
  return relativeLinks(markdown)
    .map((link) => link.path)
    .filter((path) => path !== '');
}

/** The anchors GitHub gives a document's headings: lower case, punctuation dropped, spaces as hyphens. */
function headingAnchors(markdown: string): Set<string> {
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return new Set(
    [...withoutCode.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)].map((match) =>
      (match[1] as string)
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    ),
  );
}

/**
 * Sections named in prose, as the code and docs cite them: `docs/delivery.md, "Ordered subscriptions"` (the quote may
 * run over a comment's line break). The file as written, the section with its white space and comment marks folded.
 */
function quotedSections(text: string): Array<{ name: string; section: string }> {
  return [...text.matchAll(/([\w./-]+\.md),? "([^"]+)"/g)].map((match) => ({
    name: match[1] as string,
    section: (match[2] as string)
      .replace(/\s*(?:\/\/|\*|#)\s*/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  }));
}

/**
 * What a quoted section may name: a heading (its number and code marks dropped; the quote may be its start, "Alerts"
 * for "5. Alerts and the dashboard") or a bold lead-in (`**First attempts before retries.**`).
 */
function citesSection(markdown: string, section: string): boolean {
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '');
  const fold = (text: string) =>
    text
      .replace(/`/g, '')
      .replace(/^\d+\.\s+/, '')
      .trim()
      .toLowerCase();
  const wanted = fold(section);
  const headings = [...withoutCode.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)].map((match) => fold(match[1] as string));
  const leadIns = [...withoutCode.matchAll(/\*\*([^*\n]+?)\.?\*\*/g)].map((match) => fold(match[1] as string));
  return headings.some((heading) => heading.startsWith(wanted)) || leadIns.includes(wanted);
}

/** A name in a comment may be relative to its file or to the repository root (`docs/delivery.md`). */
function nameExists(file: string, name: string): boolean {
  return existsSync(resolve(dirname(file), name)) || existsSync(resolve(ROOT, name));
}

/** Markdown links are relative to the document, as a browser or GitHub resolves them. */
function linkExists(file: string, target: string): boolean {
  return existsSync(target.startsWith('/') ? join(ROOT, target) : resolve(dirname(file), target));
}

function namesInFile(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  if (!text.includes('.md')) return [];
  const extension = extname(file);
  if (SCRIPT_EXTENSIONS.has(extension)) return scriptComments(file, text).flatMap(markdownFileNames);
  if (YAML_EXTENSIONS.has(extension)) return yamlComments(text).flatMap(markdownFileNames);
  if (extension === '.md') return markdownFileNames(text);
  return [];
}

const isGuide = (file: string) => {
  const path = relative(ROOT, file);
  return path === 'README.md' || (path.startsWith('docs/') && path.endsWith('.md'));
};

describe('files named in comments and docs', () => {
  const files = projectFiles();

  test('every .md file a comment, manifest or document names is in the repository', () => {
    const missing = files.flatMap((file) =>
      namesInFile(file)
        .filter((name) => !nameExists(file, name))
        .map((name) => `${relative(ROOT, file)}: ${name}`),
    );
    expect(missing).toEqual([]);
  });

  test('every relative link in README.md and docs/ leads to a file of the repository', () => {
    const broken = files.filter(isGuide).flatMap((file) =>
      relativeLinkTargets(readFileSync(file, 'utf8'))
        .filter((target) => !linkExists(file, target))
        .map((target) => `${relative(ROOT, file)}: ${target}`),
    );
    expect(broken).toEqual([]);
  });

  test('every #section a link in README.md or docs/ names is a heading of its document', () => {
    const broken = files.filter(isGuide).flatMap((file) =>
      relativeLinks(readFileSync(file, 'utf8'))
        .filter((link) => link.section !== '')
        .filter((link) => {
          const document = link.path === '' ? file : resolve(dirname(file), link.path);
          if (!document.endsWith('.md') || !existsSync(document)) return false;
          return !headingAnchors(readFileSync(document, 'utf8')).has(link.section);
        })
        .map((link) => `${relative(ROOT, file)}: ${link.path}#${link.section}`),
    );
    expect(broken).toEqual([]);
  });

  test('every "section" a comment or document cites after a .md name is a heading or bold lead-in of it', () => {
    const broken = files
      // This file's own examples (below) cite sections on purpose.
      .filter((file) => relative(ROOT, file) !== 'test/doc-links.test.ts')
      .filter((file) => SCRIPT_EXTENSIONS.has(extname(file)) || YAML_EXTENSIONS.has(extname(file)) || extname(file) === '.md')
      .flatMap((file) =>
        quotedSections(readFileSync(file, 'utf8'))
          .filter(({ name, section }) => {
            const document = [resolve(dirname(file), name), resolve(ROOT, name)].find((path) => existsSync(path));
            return document !== undefined && !citesSection(readFileSync(document, 'utf8'), section);
          })
          .map(({ name, section }) => `${relative(ROOT, file)}: ${name}, "${section}"`),
      );
    expect(broken).toEqual([]);
  });

  test('README.md stays a short door: at most 15 KB', () => {
    expect(statSync(join(ROOT, 'README.md')).size).toBeLessThanOrEqual(README_MAX_BYTES);
  });
});

describe('how names and links are found', () => {
  test.each([
    ['// see docs/delivery.md, "Retries"', ['docs/delivery.md']],
    ['# as README.md says', ['README.md']],
    ['[the guide](https://example.com/guide.md) and ../bench/README.md', ['../bench/README.md']],
    ['no markdown here: notes.mdx, data.md5', []],
  ])('markdownFileNames(%j)', (text, names) => {
    expect(markdownFileNames(text)).toEqual(names);
  });

  test.each([
    ['[a](docs/api.md) ![b](docs/screenshots/x.png "shot")', ['docs/api.md', 'docs/screenshots/x.png']],
    ['[a](#section) [b](https://example.com/x.md) [c](mailto:someone@example.com)', []],
    ['[a](../bench/README.md#the-scenarios)', ['../bench/README.md']],
  ])('relativeLinkTargets(%j)', (markdown, targets) => {
    expect(relativeLinkTargets(markdown)).toEqual(targets);
  });

  test('headings become the anchors GitHub links to', () => {
    const anchors = headingAnchors('# Scaling and Redis Cluster\n## Prometheus (`infra/prometheus/`)\n```sh\n# not a heading\n```\n');
    expect([...anchors]).toEqual(['scaling-and-redis-cluster', 'prometheus-infraprometheus']);
  });

  test.each([
    ['// docs/delivery.md, "Ordered\n// subscriptions"', [{ name: 'docs/delivery.md', section: 'Ordered subscriptions' }]],
    [' * (docs/api.md, "Sending a POST\n * again safely")', [{ name: 'docs/api.md', section: 'Sending a POST again safely' }]],
    ['bench/receiver.mjs: docs/delivery.md "Batches"', [{ name: 'docs/delivery.md', section: 'Batches' }]],
  ])('quotedSections(%j)', (text, sections) => {
    expect(quotedSections(text)).toEqual(sections);
  });

  test('a quoted section is a heading, the start of one, or a bold lead-in; nothing else', () => {
    const markdown = '## 5. Alerts and the dashboard\n**First attempts before retries.** A retry…\n```sh\n# Hidden\n```\nIngest, in prose\n';
    expect(['Alerts', 'First attempts before retries', 'alerts and the dashboard'].map((section) => citesSection(markdown, section))).toEqual([
      true,
      true,
      true,
    ]);
    expect(['Hidden', 'Ingest', 'First attempts'].map((section) => citesSection(markdown, section))).toEqual([false, false, false]);
  });

  test('a comment is found, a string that looks like one is not', () => {
    const source = "const url = 'http://x/README.md'; // names MISSING.md\n/* and OTHER.md */\nconst s = '/* NOT.md */';\n";
    expect(scriptComments('example.ts', source).flatMap(markdownFileNames)).toEqual(['MISSING.md', 'OTHER.md']);
  });

  test('a YAML comment is found, a value with a # is not', () => {
    expect(yamlComments('# see A.md\nkey: "value#B.md" # and C.md\n').flatMap(markdownFileNames)).toEqual(['A.md', 'C.md']);
  });
});
