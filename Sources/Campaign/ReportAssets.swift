/// The report's one stylesheet and one script (inline; no network).
public enum ReportAssets {
    static let css = """
        body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1280px}
        h1{margin-bottom:4px} h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}
        table{border-collapse:collapse;font-size:13px} td,th{border:1px solid #ddd;padding:4px 6px;vertical-align:middle}
        th{background:#f4f4f4;text-align:left} .num{text-align:right;font-variant-numeric:tabular-nums}
        .cards{display:flex;gap:12px;flex-wrap:wrap} .card{border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:120px}
        .card b{display:block;font-size:22px} .bar{background:#4c78a8;height:18px;display:inline-block}
        .sun{color:#2a7f2a;font-weight:bold} .muted{color:#777}
        .badge{display:inline-block;background:#fbe3c4;color:#8a4b00;border-radius:4px;padding:0 4px;font-size:11px;margin-left:4px}
        #legend{margin:8px 0;line-height:32px} #legend .el{display:inline-flex;align-items:center;gap:3px;margin-right:12px}
        #filters{margin:8px 0;display:flex;gap:18px;align-items:center}
        tr.detail>td{border-top:none;padding:0 6px} tr.detail summary{cursor:pointer;color:#36c;font-size:12px;padding:2px 0}
        .detail-body{display:flex;gap:16px;align-items:flex-start;padding:6px 0}
        canvas.cell3d{border:1px solid #ddd;cursor:grab;background:#fff}
        table.facts th{width:230px;font-weight:normal;color:#555}
        details.dups summary{cursor:pointer} pre.campaign{background:#f7f7f7;padding:8px;overflow:auto}
        .plot svg{max-width:100%;height:auto}
        """

    /// The 3D cell viewer of the report and the dashboard: `KilnViewer(canvas, scene)` draws a
    /// `CellScene.json()` (painter's algorithm over balls, half-bonds, polyhedron faces and cell
    /// edges; drag to rotate) and returns a function that redraws it.
    public static let viewer = #"""
        function KilnViewer(canvas,d){
        "use strict";
          function mul(a,b){var r=[];for(var i=0;i<3;i++){r.push([]);for(var j=0;j<3;j++){r[i].push(a[i][0]*b[0][j]+a[i][1]*b[1][j]+a[i][2]*b[2][j]);}}return r;}
          function rot(axis,t){var c=Math.cos(t),s=Math.sin(t);return axis===0?[[1,0,0],[0,c,-s],[0,s,c]]:[[c,0,s],[0,1,0],[-s,0,c]];}
          function rgba(hex,a,k){var n=parseInt(hex.slice(1),16);k=k||1;return "rgba("+Math.round((n>>16)*k)+","+Math.round(((n>>8)&255)*k)+","+Math.round((n&255)*k)+","+a+")";}
          var L=d.cell,corners=[],i;
          for(i=0;i<8;i++){var f=[i&1,(i>>1)&1,(i>>2)&1];corners.push([0,1,2].map(function(k){return f[0]*L[0][k]+f[1]*L[1][k]+f[2]*L[2][k];}));}
          var pts=corners.concat(d.atoms.map(function(a){return [a[0],a[1],a[2]];}));
          var c=[0,1,2].map(function(k){return pts.reduce(function(s,p){return s+p[k];},0)/pts.length;});
          var ext=Math.max.apply(null,pts.map(function(p){return Math.hypot(p[0]-c[0],p[1]-c[1],p[2]-c[2]);}))+1;
          var R=mul(rot(0,-1.2),rot(1,0.5)),ctx=canvas.getContext("2d"),W=canvas.width,H=canvas.height,s=0.48*Math.min(W,H)/ext;
          function P(p){var v=[p[0]-c[0],p[1]-c[1],p[2]-c[2]];return [W/2+s*(R[0][0]*v[0]+R[0][1]*v[1]+R[0][2]*v[2]),H/2-s*(R[1][0]*v[0]+R[1][1]*v[1]+R[1][2]*v[2]),R[2][0]*v[0]+R[2][1]*v[1]+R[2][2]*v[2]];}
          function draw(){
            var q=d.atoms.map(P),K=corners.map(P),items=[];
            [[0,1],[0,2],[0,4],[1,3],[1,5],[2,3],[2,6],[3,7],[4,5],[4,6],[5,7],[6,7]].forEach(function(e){
              items.push({z:(K[e[0]][2]+K[e[1]][2])/2,f:function(){ctx.strokeStyle="#999";ctx.lineWidth=1;ctx.beginPath();ctx.moveTo(K[e[0]][0],K[e[0]][1]);ctx.lineTo(K[e[1]][0],K[e[1]][1]);ctx.stroke();}});});
            d.polys.forEach(function(p){var col=d.el[d.atoms[p.c][3]][1];p.f.forEach(function(face){
              items.push({z:face.reduce(function(t,k){return t+q[k][2];},0)/face.length,f:function(){ctx.fillStyle=rgba(col,0.28);ctx.strokeStyle=rgba(col,0.7);ctx.lineWidth=0.6;ctx.beginPath();
                face.forEach(function(k,j){if(j)ctx.lineTo(q[k][0],q[k][1]);else ctx.moveTo(q[k][0],q[k][1]);});ctx.closePath();ctx.fill();ctx.stroke();}});});});
            d.bonds.forEach(function(b){var a=q[b[0]],e=q[b[1]],m=[(a[0]+e[0])/2,(a[1]+e[1])/2,(a[2]+e[2])/2];
              [[a,b[0]],[e,b[1]]].forEach(function(h){items.push({z:(h[0][2]+m[2])/2,f:function(){ctx.strokeStyle=d.el[d.atoms[h[1]][3]][1];ctx.lineWidth=3;ctx.lineCap="round";ctx.beginPath();ctx.moveTo(h[0][0],h[0][1]);ctx.lineTo(m[0],m[1]);ctx.stroke();}});});});
            q.forEach(function(p,k){var el=d.el[d.atoms[k][3]],r=Math.max(2,el[2]*s);
              items.push({z:p[2]+1e-3,f:function(){var g=ctx.createRadialGradient(p[0]-r/3,p[1]-r/3,r/5,p[0],p[1],r);g.addColorStop(0,"#fff");g.addColorStop(0.35,el[1]);g.addColorStop(1,rgba(el[1],1,0.6));
                ctx.fillStyle=g;ctx.strokeStyle="#333";ctx.lineWidth=0.6;ctx.beginPath();ctx.arc(p[0],p[1],r,0,2*Math.PI);ctx.fill();ctx.stroke();}});});
            items.sort(function(a,b){return a.z-b.z;});
            ctx.fillStyle="#fff";ctx.fillRect(0,0,W,H);items.forEach(function(it){it.f();});
          }
          var last=null;
          canvas.addEventListener("pointerdown",function(e){last=[e.clientX,e.clientY];canvas.setPointerCapture(e.pointerId);});
          canvas.addEventListener("pointerup",function(){last=null;});
          canvas.addEventListener("pointermove",function(e){if(!last)return;R=mul(mul(rot(1,(e.clientX-last[0])*0.01),rot(0,(e.clientY-last[1])*0.01)),R);last=[e.clientX,e.clientY];draw();});
          draw();
          return draw;
        }
        """#

    /// Draws every `canvas.cell3d` from its JSON with `viewer`, runs the filters, and writes a self-check
    /// (legend, hull-label overlaps, drawn canvases, local links) as JSON into `#selfcheck`.
    static let script = #"""
        (function(){
        "use strict";
        var canvases=[].slice.call(document.querySelectorAll("canvas.cell3d")),errors=[];
        canvases.forEach(function(cv){try{KilnViewer(cv,JSON.parse(document.getElementById(cv.dataset.cell).textContent));}catch(e){errors.push(cv.dataset.cell+": "+e);}});

        var groups=[].slice.call(document.querySelectorAll("tbody.cand"));
        function filter(){
          var st=document.getElementById("f-stable").checked,nw=document.getElementById("f-new").checked,
              t=document.getElementById("f-formula").value.trim().toLowerCase(),shown=0;
          groups.forEach(function(g){var ok=(!st||g.dataset.stable==="1")&&(!nw||g.dataset.new==="1")&&(!t||g.dataset.formula.toLowerCase().indexOf(t)>=0);
            g.style.display=ok?"":"none";if(ok)shown++;});
          document.getElementById("f-count").textContent=shown+" of "+groups.length+" shown";
        }
        ["f-stable","f-new","f-formula"].forEach(function(id){document.getElementById(id).addEventListener("input",filter);});
        filter();

        function boxes(svg,sel){return [].slice.call(svg.querySelectorAll(sel)).map(function(e){var b=e.getBBox();return {x:b.x,y:b.y,w:b.width,h:b.height,t:e.textContent};});}
        function hit(a,b){return a.x<b.x+b.w-0.5&&b.x<a.x+a.w-0.5&&a.y<b.y+b.h-0.5&&b.y<a.y+a.h-0.5;}
        var overlaps=[],labels=0;
        [].slice.call(document.querySelectorAll("svg.hull")).forEach(function(svg){
          var L=boxes(svg,"text.hull-label"),M=boxes(svg,"circle.hull-marker");labels+=L.length;
          L.forEach(function(a,i){L.slice(i+1).forEach(function(b){if(hit(a,b))overlaps.push(a.t+" / "+b.t);});
            M.forEach(function(m){if(hit(a,m))overlaps.push(a.t+" / marker");});});});
        var drawn=canvases.filter(function(cv){var px=cv.getContext("2d").getImageData(0,0,cv.width,cv.height).data,n=0;
          for(var i=0;i<px.length;i+=4){if(px[i]<235||px[i+1]<235||px[i+2]<235)n++;}return n>50;}).length;
        var links=[].slice.call(document.querySelectorAll("a[href]")).map(function(a){return a.getAttribute("href");}).filter(function(h){return !/^(#|[a-z]+:)/i.test(h);});
        document.getElementById("selfcheck").textContent=JSON.stringify({legend:document.querySelectorAll("#legend .el").length,
          hulls:document.querySelectorAll("svg.hull").length,labels:labels,overlaps:overlaps,canvases:canvases.length,drawn:drawn,errors:errors,links:links});
        })();
        """#
}
