extension HTMLReport {
    /// Readable at 1280×800 and at phone width: tables scroll sideways inside their section.
    /// Colours pass WCAG AA against their text; every cell also says what it is in words. A name
    /// is isolated, so right-to-left letters in it cannot reorder the cells around it.
    static let styleSheet = """
        body{font:15px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1400px;padding:0 16px;color:#1b1b1b;background:#fff}
        h1{font-size:1.4em;word-break:break-all}h2{font-size:1.15em;margin-top:1.6em}
        .scroll{overflow-x:auto;max-width:100%}
        table{border-collapse:collapse;font-size:14px}th,td{padding:3px 8px;border-bottom:1px solid #ccc;text-align:left;vertical-align:top}
        th{background:#eef0f3;cursor:pointer;white-space:nowrap}th:focus,rect:focus{outline:3px solid #0b57d0}
        td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}td.name{word-break:break-all;min-width:8em;unicode-bidi:isolate}
        td.uses{text-align:center;background:#dbe8ff;font-weight:600}.note{color:#444}
        svg.treemap{width:100%;height:auto;border:1px solid #999}svg text{font-size:11px;fill:#111;pointer-events:none}
        rect.cell{stroke:#fff;stroke-width:1}rect.group{fill:none;stroke:#333;stroke-width:1.5}
        .c-images{fill:#9cc3f0}.c-containers{fill:#a8dba8}.c-logs{fill:#f3d38b}.c-volumes{fill:#d6b4e8}
        .c-buildCache{fill:#f2b49b}.c-orphans{fill:#f29b9b}.c-other{fill:#cfcfcf}.shared{fill:url(#shared)}
        .bar{display:inline-block;height:10px;vertical-align:middle}.grow{background:#b3261e}.shrink{background:#1e7b34}
        @media (max-width:700px){body{font-size:14px;padding:0 6px}th,td{padding:2px 4px}}
        """

    /// Click (or Enter) on a header sorts its table by that column; sizes sort by exact bytes.
    static let sortScript = """
        document.querySelectorAll("table.sortable th").forEach(function(th){th.tabIndex=0;\
        function go(){var b=th.closest("table").tBodies[0],i=th.cellIndex,d=th.dataset.dir==="d"?"a":"d";th.dataset.dir=d;\
        Array.from(b.rows).sort(function(x,y){var p=x.cells[i],q=y.cells[i];if(!p||!q)return 0;\
        var c=(p.dataset.v!==undefined&&q.dataset.v!==undefined)?Number(p.dataset.v)-Number(q.dataset.v):p.textContent.localeCompare(q.textContent);\
        return d==="a"?c:-c}).forEach(function(r){b.appendChild(r)})}\
        th.addEventListener("click",go);th.addEventListener("keydown",function(e){if(e.key==="Enter"||e.key===" "){e.preventDefault();go()}})});
        """
}
