// Package ui is the terminal front end. Only the root Model is a tea.Model;
// the list, pane, filter bar, export dialog and status bar are plain
// components it routes messages to (STYLE §1.2).
package ui

import (
	"context"
	"errors"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"charm.land/bubbles/v2/progress"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/pcapsurgery/pcapsurgery/keymap"
	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/compareview"
	"github.com/pcapsurgery/pcapsurgery/ui/detail"
	"github.com/pcapsurgery/pcapsurgery/ui/exportdlg"
	"github.com/pcapsurgery/pcapsurgery/ui/filterbar"
	"github.com/pcapsurgery/pcapsurgery/ui/flowlist"
	"github.com/pcapsurgery/pcapsurgery/ui/groupview"
	"github.com/pcapsurgery/pcapsurgery/ui/lineedit"
	"github.com/pcapsurgery/pcapsurgery/ui/statusbar"
	"github.com/pcapsurgery/pcapsurgery/ui/styles"
)

// Options is what main hands the UI.
type Options struct {
	Path     string         // capture path as given; "-" is standard input (export then refused)
	Iface    string         // set instead of Path for an interface captured live: its name shows, export is refused
	Loader   *model.Loader  // not started: the UI runs it
	Stderr   io.Writer      // where a line goes once the screen is restored (an interrupted export); nil: nowhere
	Location *time.Location // the zone times are shown in; nil is UTC
	Reopen   model.Reopener // opens the capture again for a key log reload (K); nil when it cannot be re-read
	// KernelDrops says how many packets the kernel has dropped so far on
	// the interface captured (Iface), for the live line; nil: nothing to ask.
	KernelDrops func() uint64
}

// mode is what has the keyboard.
type mode int

const (
	modeList mode = iota
	modeDetail
	modeFilter // the filter input over the list
	modeExport // the export dialog over the list or the pane
	modeHelp
	modeGroups  // the group view in place of the list
	modeCompare // two flows compared, in place of the list or pane
	modeKeyLog  // the key log prompt over the list
)

// Model is the root.
type Model struct {
	opts Options
	keys keymap.KeyMap
	st   styles.Styles
	lay  layout

	exports *exportJobs // shared by every copy: leaving cancels and waits for them

	// loading
	loader   *model.Loader    // the load on show: Options.Loader, or a key log reload's (keylog.go)
	reload   *reloadState     // a key log reload in progress, to report once done
	reloads  *reloadedLoaders // shared by every copy: their files close when the program ends
	cancel   context.CancelFunc
	ctx      context.Context
	batches  chan model.Batch
	refs     model.RefLister
	loading  bool
	spinning bool
	prog     loadProgress
	spin     spinner.Model
	bar      progress.Model
	live     *liveState // nil unless the input's size is unknown (a pipe)

	// data: flows in ID order, flows[id-1] unless retention dropped some
	// (retain.go); counts by outcome kept as batches replace flows
	flows    []model.Flow
	outcomes []uint8           // outcomeIndex of each flow, for counting a filter's result; goneOutcome once dropped
	gindex   *model.GroupIndex // each flow's group keys as numbers, for the group view (groups.go); replaced, never reset, on a reload
	building *indexBuild       // the group index being built, until it is kept (groups.go)
	holes    int               // dropped flows still in flows
	retained model.Retained
	counts   map[model.Outcome]int
	pending  []model.Batch       // batches held while a filter command reads flows
	flowsGen int                 // counts changes to flows: an index of older flows is stale
	closest  *model.ClosestIndex // the completed flows by server, for c; nil when stale (compare.go)

	// the order on screen. filter is what the list shows: the text in the
	// bar while it parses, else applied, the last filter Enter accepted.
	filter       model.Filter
	applied      model.Filter
	failuresOnly bool
	sortKey      model.SortKey
	reverse      bool
	visCounts    outcomeCounts // outcomes of the visible flows, with the result that made them
	spark        []int         // the visible flows' failures over time, for the header (headerspark.go)
	sparkSpan    model.Span
	sparkGen     int
	filterGen    int
	groupGen     int // the newest grouping asked for
	inflight     int // filter commands still reading flows

	mode, back mode     // back: where esc / the end of help returns to
	helpTop    int      // the first help line on show
	help       []string // the help text laid out for helpWidth (help.go)
	helpWidth  int
	list       flowlist.Model
	groups     groupview.Model
	cmp        compareview.Model
	cmpBack    mode // where the comparison's back key returns
	marked     int  // the flow m marked for comparison (0 = none)
	detail     detail.Model
	fbar       filterbar.Model
	dlg        exportdlg.Model
	klIn       lineedit.Model // the key log prompt's path
	status     statusbar.Model
}

// New builds the root model; nothing runs until Init.
func New(opts Options) Model {
	keys := keymap.Default()
	st := styles.New(true) // dark until the terminal says otherwise; it may never answer
	m := Model{
		opts:    opts,
		exports: newExportJobs(),
		reloads: &reloadedLoaders{},
		klIn:    newKeyLogInput(),
		loader:  opts.Loader,
		keys:    keys,
		st:      st,
		loading: true,
		counts:  map[model.Outcome]int{},
		spin:    spinner.New(spinner.WithSpinner(spinner.Line)),
		bar:     progress.New(progress.WithFillCharacters('#', '-'), progress.WithoutPercentage(), progress.WithDefaultBlend()),
		list:    flowlist.New(keys.List, st),
		groups:  groupview.New(keys.GroupView, st, outcomeWord),
		cmp:     compareview.New(keys.Compare, st),
		detail:  detail.New(keys.Detail, st),
		fbar:    filterbar.New(keys.Filter, st),
		dlg:     exportdlg.New(keys.Export, st),
		status:  statusbar.New(st),
	}
	m.list.SetLocation(opts.Location)
	m.groups.SetLocation(opts.Location)
	if opts.Loader != nil {
		m.ctx, m.cancel = context.WithCancel(context.Background())
		m.batches = make(chan model.Batch, 1)
		m.refs = opts.Loader
		if src := opts.Loader.Source(); src != nil && src.Size() < 0 {
			m.live = newLiveState()
			m.live.kernelDrops = opts.KernelDrops
		}
	}
	m.keys.List.Pause.SetEnabled(m.live != nil)
	m.relayout(0, 0)
	return m
}

// Run starts the program and returns when the user quits or a signal ends
// it (bubbletea turns SIGINT and SIGTERM into quitting; SIGHUP, an SSH
// session hanging up, is caught here). Either way an export in progress is
// stopped and its partial file removed before Run returns.
func Run(opts Options) error {
	m := New(opts)
	p := tea.NewProgram(m)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	ran := make(chan struct{})
	go func() {
		select {
		case <-hup:
			m.exports.stop() // before the program goes: the export stops writing now
			p.Kill()
		case <-ran:
		}
	}()
	_, err := p.Run()
	close(ran)
	defer m.reloads.close() // after the exports, which may read them
	signal.Stop(hup)
	if m.cancel != nil {
		m.cancel()
	}
	w := opts.Stderr
	if w == nil {
		w = io.Discard
	}
	m.exports.finish(w, exportWait)
	if errors.Is(err, tea.ErrProgramKilled) {
		err = nil // our doing, on SIGHUP
	}
	return err
}

// Init starts the load and asks for the background colour.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor}
	if m.opts.Loader != nil {
		cmds = append(cmds, startLoad(m.ctx, m.opts.Loader, m.batches))
	}
	return tea.Batch(cmds...)
}

// quit cancels the load and any export, and leaves at once.
func (m Model) quit() (Model, tea.Cmd) {
	if m.cancel != nil {
		m.cancel()
	}
	m.exports.stop()
	return m, tea.Quit
}

func (m *Model) setStyles(st styles.Styles) {
	m.st = st
	m.list.SetStyles(st)
	m.klIn.SetMuted(st.Muted)
	m.groups.SetStyles(st)
	m.cmp.SetStyles(st)
	m.detail.SetStyles(st)
	m.fbar.SetStyles(st)
	m.dlg.SetStyles(st)
	m.status.SetStyles(st)
}
