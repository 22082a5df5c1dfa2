# Sourced by bench/run.sh and bench/docker.sh: the one table format.
# Samples are lines "TAG RUNTIME VALUE RSS FAILED" in $RESULTS; the
# runtimes are $RUNTIMES (hardened first gets the ratio columns).

# bench_stats TAG RT COLUMN: "median p90 count failures" of one figure.
bench_stats() {
  awk -v tag="$1" -v rt="$2" -v col="$3" '
    $1 == tag && $2 == rt { v[n++] = $col; if ($5 != 0) f++ }
    END {
      if (n == 0) { print "- - 0 0"; exit }
      # insertion sort: n is small
      for (i = 1; i < n; i++) { x = v[i]; for (j = i - 1; j >= 0 && v[j] > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
      med = (n % 2) ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2
      p = int(0.9 * n + 0.999999); if (p < 1) p = 1
      printf "%s %s %d %d\n", med, v[p - 1], n, f + 0
    }' "$RESULTS"
}

# bench_table "TAG|LABEL|COLUMN|DIVISOR"...: the markdown table, median
# (p90) per runtime, then hardened/other of the medians.
bench_table() {
  local -a rts others=()
  read -ra rts <<<"$RUNTIMES"
  local hdr="| figure | " sep="|---|" rt
  for rt in "${rts[@]}"; do hdr+="$rt median (p90) | "; sep+="---|"; done
  for rt in "${rts[@]}"; do [[ $rt != hardened ]] && others+=("$rt"); done
  if [[ " ${rts[*]} " == *" hardened "* ]]; then
    for rt in "${others[@]}"; do hdr+="hardened/$rt | "; sep+="---|"; done
  fi
  echo "$hdr"
  echo "$sep"
  local row tag label col div m p n f
  for row in "$@"; do
    IFS='|' read -r tag label col div <<<"$row"
    declare -A med=()
    local line="| $label | "
    for rt in "${rts[@]}"; do
      read -r m p n f < <(bench_stats "$tag" "$rt" "$col")
      if [[ $n == 0 ]]; then
        line+="- | "
        continue
      fi
      med[$rt]=$m
      line+=$(awk -v m="$m" -v p="$p" -v d="$div" -v f="$f" \
        'BEGIN { printf "%.2f (%.2f)%s", m / d, p / d, f ? " " f " failed" : "" }')
      line+=" | "
    done
    if [[ " ${rts[*]} " == *" hardened "* ]]; then
      for rt in "${others[@]}"; do
        line+=$(awk -v a="${med[hardened]:-0}" -v b="${med[$rt]:-0}" \
          'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else printf "-" }')
        line+=" | "
      done
    fi
    echo "$line"
    unset med
  done
}
