/**
 * The code of doc comments: every fenced block inside a `/** … *\/` comment of a source file, with the
 * line of its opening fence. A TypeScript block (`ts`, `typescript`) is compiled like the docs' blocks
 * (test/support/compile.ts); an `@example` must hold one.
 */
import ts from "typescript"
import { checkedLangs, type Snippet } from "../support/compile.js"

/** A fenced block of a doc comment, with its language. */
export interface CommentBlock extends Snippet {
  readonly lang: string
  /** The exported declaration the comment documents (`export const layerFetch` → `layerFetch`), if any. */
  readonly documents: string | undefined
}

/** What the extraction found: the blocks, and the `@example` tags with no fenced block after them. */
export interface Extracted {
  readonly blocks: Array<CommentBlock>
  readonly unfenced: Array<string>
}

/**
 * The fenced blocks of the doc comments of `text` (the source of `file`, a name for messages).
 *
 * @example
 * ```ts
 * import { commentBlocks } from "./examples.js"
 *
 * const { blocks } = commentBlocks("a.ts", "/**\n * @example\n * ```ts\n * const x = 1\n * ```\n *\/\nexport {}")
 * // blocks[0]: { file: "a.ts", line: 3, lang: "ts", code: "const x = 1" }
 * ```
 */
export const commentBlocks = (file: string, text: string): Extracted => {
  const blocks: Array<CommentBlock> = []
  const unfenced: Array<string> = []
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  // comments are trivia before a token: collect the ones before every node (strings and templates hold none)
  const ranges = new Map<number, ts.CommentRange>()
  const visit = (node: ts.Node): void => {
    for (const range of ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [])
      ranges.set(range.pos, range)
    ts.forEachChild(node, visit)
  }
  visit(source)
  visit(source.endOfFileToken)
  for (const range of [...ranges.values()].sort((a, b) => a.pos - b.pos)) {
    const comment = text.slice(range.pos, range.end)
    if (range.kind !== ts.SyntaxKind.MultiLineCommentTrivia || !comment.startsWith("/**")) continue
    const first = source.getLineAndCharacterOfPosition(range.pos).line + 1
    const documents =
      /^\s*export\s+(?:declare\s+)?(?:async\s+)?(?:const|let|function\*?|interface|type|class|enum|namespace)\s+([A-Za-z_$][\w$]*)/.exec(
        text.slice(range.end)
      )?.[1]
    const lines = comment
      .slice(3, -2)
      .split("\n")
      .map((line) => line.replace(/^\s*\* ?/, ""))
    let pendingExample: number | undefined
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? ""
      if (/^\s*@example\b/.test(line)) {
        if (pendingExample !== undefined) unfenced.push(`${file}:${pendingExample}`)
        pendingExample = first + i
        continue
      }
      const open = /^\s*```(\S*)\s*$/.exec(line)
      if (!open) {
        // an `@example` is followed by its fenced block (blank lines aside): prose or a tag before it is a miss
        if (pendingExample !== undefined && line.trim() !== "") {
          unfenced.push(`${file}:${pendingExample}`)
          pendingExample = undefined
        }
        continue
      }
      pendingExample = undefined
      const start = i
      const body: Array<string> = []
      for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i] ?? ""); i++) body.push(lines[i] ?? "")
      blocks.push({
        file,
        line: first + start,
        lang: (open[1] ?? "").toLowerCase(),
        code: body.join("\n"),
        documents
      })
    }
    if (pendingExample !== undefined) unfenced.push(`${file}:${pendingExample}`)
  }
  return { blocks, unfenced }
}

/**
 * The TypeScript blocks that document an exported declaration without naming it: an example of
 * `layerFetch` that only shows `layerNode` teaches the wrong call.
 *
 * @example
 * ```ts
 * import { commentBlocks, unrelated } from "./examples.js"
 *
 * unrelated(commentBlocks("a.ts", "").blocks) // []
 * ```
 */
export const unrelated = (blocks: ReadonlyArray<CommentBlock>): Array<string> =>
  blocks
    .filter(
      (b) =>
        checkedLangs.has(b.lang) &&
        b.documents !== undefined &&
        !new RegExp(`(?<![\\w$])${b.documents.replace(/\$/g, "\\$")}(?![\\w$])`).test(b.code)
    )
    .map((b) => `${b.file}:${b.line}: the example of ${b.documents} does not mention it`)
