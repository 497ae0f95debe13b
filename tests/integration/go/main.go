// A static Go program run natively and under lxrun: 1000 goroutines, a net/http server
// answering a client on loopback, os/exec of a child (itself and /bin/sh). Prints
// deterministic lines only. Standard library only: the test builds offline.
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func goroutines() {
	const n = 1000
	var wg sync.WaitGroup
	results := make(chan int, n)
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start // all 1000 exist at once before any finishes
			time.Sleep(time.Millisecond)
			runtime.Gosched()
			results <- i
		}(i)
	}
	alive := runtime.NumGoroutine()
	close(start)
	wg.Wait()
	close(results)
	sum := 0
	for v := range results {
		sum += v
	}
	fmt.Printf("goroutines: %d ran, sum %d, >=1000 alive at once: %v\n", n, sum, alive >= n)

	// A ping-pong over unbuffered channels across OS threads.
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	v := 0
	for i := 0; i < 10000; i++ {
		ping <- v
		v = <-pong
	}
	close(ping)
	fmt.Println("goroutines: ping-pong", v)
}

// Signals the Go runtime depends on: asynchronous preemption (SIGURG, delivered on the
// runtime's own signal stack) and os/signal delivery of a signal sent to ourselves.
func signals() {
	prev := runtime.GOMAXPROCS(1)
	var stop int32
	var spins int64
	go func() {
		for atomic.LoadInt32(&stop) == 0 {
			spins++ // no call in the loop: only async preemption can take the P away
		}
	}()
	start := time.Now()
	time.Sleep(20 * time.Millisecond)
	atomic.StoreInt32(&stop, 1)
	fmt.Println("signals: main ran again while a goroutine spun:", time.Since(start) < 10*time.Second)
	runtime.GOMAXPROCS(prev)

	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR1)
	syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	select {
	case s := <-ch:
		fmt.Println("signals: os/signal received", s)
	case <-time.After(10 * time.Second):
		fmt.Println("signals: os/signal got nothing")
	}
	signal.Stop(ch)
}

func httpServer() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("http: listen:", err)
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/hello/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Zone", "yes")
		fmt.Fprintf(w, "hello %s via %s", strings.TrimPrefix(r.URL.Path, "/hello/"), r.Method)
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	url := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: 10 * time.Second}
	var bodies []string
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			resp, err := client.Get(fmt.Sprintf("%s/hello/c%02d", url, i))
			if err != nil {
				mu.Lock()
				bodies = append(bodies, "error: "+err.Error())
				mu.Unlock()
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			mu.Lock()
			bodies = append(bodies, fmt.Sprintf("%d %s %s", resp.StatusCode, resp.Header.Get("X-Zone"), b))
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	sort.Strings(bodies)
	fmt.Println("http: first", bodies[0])
	fmt.Println("http: last", bodies[len(bodies)-1])
	resp, err := client.Get(url + "/missing")
	if err == nil {
		fmt.Println("http: missing ->", resp.StatusCode)
		resp.Body.Close()
	}
	srv.Close()
}

func children() {
	self, err := os.Executable()
	if err != nil {
		fmt.Println("exec: os.Executable:", err)
		return
	}
	out, err := exec.Command(self, "child", "a b", "c").Output()
	fmt.Printf("exec: self child said %q, err %v\n", strings.TrimSpace(string(out)), err)
	err = exec.Command(self, "exit", "7").Run()
	if ee, ok := err.(*exec.ExitError); ok {
		fmt.Println("exec: self child exit status", ee.ExitCode())
	}
	out, err = exec.Command("/bin/sh", "-c", "echo shell child $0 $1", "x", "y").CombinedOutput()
	fmt.Printf("exec: sh said %q, err %v\n", strings.TrimSpace(string(out)), err)
	cmd := exec.Command("/bin/sh", "-c", "read line; echo got:$line")
	cmd.Stdin = strings.NewReader("piped-input\n")
	out, _ = cmd.Output()
	fmt.Println("exec: stdin pipe", strings.TrimSpace(string(out)))
	_, err = exec.Command("/nonexistent").Output()
	fmt.Println("exec: missing program fails:", err != nil)
}

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "child":
			fmt.Println("child args", strings.Join(os.Args[2:], "|"))
			return
		case "exit":
			os.Exit(7)
		}
	}
	goroutines()
	signals()
	httpServer()
	children()
	fmt.Println("done")
}
