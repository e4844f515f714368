package report

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// A chart is a bar chart, stacked when its bars have several layers,
// drawn as inline SVG: axes with ticks at round values, a label per few
// bars, a tooltip (<title>) per bar, colours from the page's CSS (classes
// c0, c1, ...). No script and no font: the page's own font draws the text.
type chart struct {
	title  string   // for screen readers
	yTitle string   // the y axis: "requests per hour"
	xTitle string   // the x axis: "hour (Europe/Paris)"
	labels []string // the full name of each bar, for its tooltip
	ticks  []string // the axis label of each bar, "" for none
	bars   [][]float64
	layers []string // the names of the layers, for tooltips
	format func(v float64) string
	bytes  bool // ticks at round numbers of KiB, MiB...
}

// Geometry of every chart, in SVG user units; the SVG scales to its box.
const (
	chartW, chartH        = 960.0, 260.0
	padLeft, padRight     = 72.0, 12.0
	padTop, padBottom     = 12.0, 44.0
	plotW, plotH          = chartW - padLeft - padRight, chartH - padTop - padBottom
	maxXLabels            = 12
	yTickCount            = 5
	barGap                = 0.15 // of a bar's slot, when slots are wide enough
	minSlotForGap         = 4.0
	axisClass, gridClass  = "axis", "grid"
	chartClass, tickClass = "chart", "tick"
)

// svg renders the chart. Every text from outside (labels) is escaped.
func (c chart) svg() template.HTML {
	var b strings.Builder
	top := 0.0
	for _, bar := range c.bars {
		sum := 0.0
		for _, v := range bar {
			sum += v
		}
		top = math.Max(top, sum)
	}
	scale, step, max := niceScale(top, c.bytes)
	fmt.Fprintf(&b, `<svg class="%s" viewBox="0 0 %g %g" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`,
		chartClass, chartW, chartH, html.EscapeString(c.title))
	fmt.Fprintf(&b, `<title>%s</title>`, html.EscapeString(c.title))
	// y grid and ticks
	for k := 0; float64(k)*step <= max+step/2; k++ {
		v := float64(k) * step
		y := padTop + plotH - v/max*plotH
		fmt.Fprintf(&b, `<line class="%s" x1="%g" x2="%g" y1="%s" y2="%s"/>`, gridClass, padLeft, padLeft+plotW, f1(y), f1(y))
		fmt.Fprintf(&b, `<text class="%s" x="%g" y="%s" text-anchor="end" dy="0.35em">%s</text>`, tickClass, padLeft-6, f1(y), html.EscapeString(tickText(v, scale, c.bytes)))
	}
	fmt.Fprintf(&b, `<text class="%s" transform="translate(14 %s) rotate(-90)" text-anchor="middle">%s</text>`, axisClass, f1(padTop+plotH/2), html.EscapeString(c.yTitle))
	fmt.Fprintf(&b, `<text class="%s" x="%s" y="%g" text-anchor="middle">%s</text>`, axisClass, f1(padLeft+plotW/2), chartH-4, html.EscapeString(c.xTitle))
	n := len(c.bars)
	if n > 0 {
		slot := plotW / float64(n)
		width := slot
		if slot >= minSlotForGap {
			width = slot * (1 - barGap)
		}
		for i, bar := range c.bars {
			x := padLeft + float64(i)*slot + (slot-width)/2
			b.WriteString(`<g><title>`)
			b.WriteString(html.EscapeString(c.tooltip(i)))
			b.WriteString(`</title>`)
			y := padTop + plotH
			for layer, v := range bar {
				if v <= 0 {
					continue
				}
				h := v / max * plotH
				y -= h
				fmt.Fprintf(&b, `<rect class="c%d" x="%s" y="%s" width="%s" height="%s"/>`, layer, f1(x), f1(y), f1(width), f1(h))
			}
			b.WriteString(`</g>`)
			if c.ticks[i] != "" {
				cx := padLeft + (float64(i)+0.5)*slot
				fmt.Fprintf(&b, `<text class="%s" x="%s" y="%g" text-anchor="middle">%s</text>`, tickClass, f1(cx), padTop+plotH+16, html.EscapeString(c.ticks[i]))
			}
		}
	}
	fmt.Fprintf(&b, `<line class="%s" x1="%g" x2="%g" y1="%g" y2="%g"/>`, axisClass, padLeft, padLeft+plotW, padTop+plotH, padTop+plotH)
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // built from escaped text and numbers only
}

// tooltip is bar i's name, total and, for a stacked bar, each layer.
func (c chart) tooltip(i int) string {
	total := 0.0
	for _, v := range c.bars[i] {
		total += v
	}
	s := c.labels[i] + ": " + c.format(total)
	if len(c.layers) > 1 && total > 0 {
		var parts []string
		for layer, v := range c.bars[i] {
			if v > 0 {
				parts = append(parts, c.layers[layer]+" "+c.format(v))
			}
		}
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	return s
}

// f1 writes a coordinate with one decimal at most.
func f1(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// niceScale returns the unit the ticks count in (1, or 1024^k for bytes),
// the step between ticks and the top of the axis, both in raw units: about
// yTickCount ticks at 1, 2 or 5 times a power of ten of the unit.
func niceScale(top float64, bytes bool) (scale, step, max float64) {
	scale = 1
	if bytes {
		for top/scale >= 1024 && scale < 1<<50 {
			scale *= 1024
		}
	}
	if top <= 0 {
		return scale, scale, scale
	}
	raw := top / scale / yTickCount
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step = 10 * mag
	for _, m := range []float64{1, 2, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	if scale == 1 && step < 1 {
		step = 1 // requests, hosts and bytes are whole
	}
	step *= scale
	return scale, step, math.Ceil(top/step) * step
}

// tickText writes an axis value: 1.5k, 20M for counts, 512 KiB for bytes.
func tickText(v, scale float64, bytes bool) string {
	if bytes {
		units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"}
		u := int(math.Round(math.Log(scale) / math.Log(1024)))
		return strconv.FormatFloat(math.Round(v/scale*1000)/1000, 'f', -1, 64) + " " + units[min(u, len(units)-1)]
	}
	return shortCount(v)
}

// shortCount writes a count with a k, M or G suffix past 10,000.
func shortCount(v float64) string {
	for _, u := range []struct {
		div    float64
		suffix string
	}{{1e9, "G"}, {1e6, "M"}, {1e4, "k"}} {
		if math.Abs(v) >= u.div {
			if u.suffix == "k" {
				u.div, u.suffix = 1e3, "k"
			}
			return strconv.FormatFloat(math.Round(v/u.div*1000)/1000, 'f', -1, 64) + u.suffix
		}
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
