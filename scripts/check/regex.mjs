// RegExp features Espruino's engine lacks or gets wrong: only [...], \d \w \s, ^ $ * +, groups and the
// g/i flags are reliable.

/** Problems a RegExp source has on Espruino, or []. */
export function regexProblems(pattern) {
  const problems = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      const next = pattern[i + 1];
      if (!inClass && (next === "b" || next === "B")) problems.push("\\" + next + " (word boundary)");
      if (!inClass && next >= "1" && next <= "9") problems.push("backreference \\" + next);
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "?") problems.push(pattern[i - 1] === "(" ? "group modifier (?" : "the ? quantifier");
    else if (c === "{") problems.push("a {m,n} quantifier");
    else if (c === "|") problems.push("alternation |");
  }
  return problems;
}
