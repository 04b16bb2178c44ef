#!/bin/sh
# A scripted stand-in for an AI coding tool. Orch runs it in the workstream's worktree with:
#   ORCH_PHASE          EDIT, or FIX when findings came back
#   ORCH_PROMPT_FILE    the instruction as markdown, findings included
#   ORCH_FINDINGS_FILE  the findings as JSON
#   ORCH_ATTEMPT        which check the findings came from
set -eu
calc=src/Calc/Calculator.cs

replace() { # replace FILE SED-EXPRESSION, portably (no sed -i)
  sed "$2" "$1" > "$1.orch-tmp" && mv "$1.orch-tmp" "$1"
}

case "$ORCH_PHASE" in
  EDIT)
    echo "EDIT: adding Subtract to Calculator"
    replace "$calc" 's|    // orch-demo: new members go here|    public static int Subtract(int a, int b) => a - b;|'
    ;;
  FIX)
    echo "FIX (after check $ORCH_ATTEMPT): $(grep -c '"message"' "$ORCH_FINDINGS_FILE") finding(s) to fix"
    if grep -q '"code": "CS0168"' "$ORCH_FINDINGS_FILE"; then
      echo "FIX: removing the unused variable (CS0168)"
      replace "$calc" '/int unused;/d'
    fi
    if grep -q 'Average' "$ORCH_FINDINGS_FILE"; then
      echo "FIX: Average divided by Length - 1; dividing by Length"
      replace "$calc" 's|(values.Length - 1)|values.Length|'
    fi
    ;;
esac
