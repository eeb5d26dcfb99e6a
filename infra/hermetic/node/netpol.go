package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/google/nftables"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
	"sigs.k8s.io/kube-network-policies/pkg/networkpolicy"
)

// runNetworkPolicies enforces NetworkPolicies beside the bridge CNI with SIG Network's
// kube-network-policies controller: a pod's new connections reach an NFQUEUE, and the
// controller answers accept or drop from the policies it watches. Its own command reads only
// the in-cluster config and ignores SIGTERM; this one takes a kubeconfig like kube-proxy.
// Where the kernel has nftables' `queue`, the controller adds its own rules in an inet table
// (deleted on SIGTERM; cluster-down checks with `--check` and removes with `--cleanup`).
// This kernel lacks it: that sync fails (logged), and cluster-up's iptables rules steer.
func runNetworkPolicies(args []string) int {
	flags := flag.NewFlagSet("kube-network-policies", flag.ContinueOnError)
	kubeconfig := flags.String("kubeconfig", "", "credentials for the API server")
	nodeName := flags.String("hostname-override", "", "the node's name")
	table := flags.String("nftables-table", "kube-network-policies", "the inet table the rules live in")
	queueID := flags.Int("nfqueue-id", 100, "the NFQUEUE number")
	cleanup := flags.Bool("cleanup", false, "remove the nftables table and exit")
	check := flags.Bool("check", false, "exit 0 if the nftables table exists, 1 if not")
	klog.InitFlags(flags) // -v=2 logs each connection's verdict
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if *cleanup || *check {
		return tableCommand(*table, *cleanup)
	}
	if *kubeconfig == "" || *nodeName == "" {
		fmt.Fprintln(os.Stderr, "kube-network-policies: --kubeconfig and --hostname-override are required")
		return 2
	}
	config, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kube-network-policies: --kubeconfig: %v\n", err)
		return 2
	}
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kube-network-policies: %v\n", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	factory := informers.NewSharedInformerFactory(client, 0)
	controller, err := networkpolicy.NewController(
		client,
		factory.Networking().V1().NetworkPolicies(),
		factory.Core().V1().Namespaces(),
		factory.Core().V1().Pods(),
		nil, nil, nil, nil, // nodes and the (alpha) admin policies are not used
		networkpolicy.Config{
			QueueID:     *queueID,
			NodeName:    *nodeName,
			NFTableName: *table,
			// NRI stays "on": v0.8.0 dereferences the NRI plugin for an address no pod has (the
			// node's), which is nil when NRI is disabled. Our containerd (1.6) serves no NRI, so
			// it fails to connect and pod addresses come from the API server. (A containerd 2
			// of the host's own, with NRI on, would take it as a plugin that only listens.)
			//
			// Upstream's default; it shapes only its own nftables rules.
			NetfilterBug1766Fix: true,
		},
	)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kube-network-policies: %v\n", err)
		return 1
	}
	done := make(chan error, 1)
	go func() { done <- controller.Run(ctx) }()
	factory.Start(ctx.Done())
	// Run returns after ctx ends, having deleted its table.
	if err := <-done; err != nil {
		klog.ErrorS(err, "kube-network-policies stopped")
		return 1
	}
	return 0
}

// tableCommand reports whether the table exists and, with remove, deletes it.
func tableCommand(name string, remove bool) int {
	conn, err := nftables.New()
	if err != nil {
		fmt.Fprintf(os.Stderr, "kube-network-policies: nftables: %v\n", err)
		return 2
	}
	tables, err := conn.ListTablesOfFamily(nftables.TableFamilyINet)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kube-network-policies: listing nftables tables: %v\n", err)
		return 2
	}
	for _, t := range tables {
		if t.Name != name {
			continue
		}
		if !remove {
			return 0
		}
		conn.DelTable(t)
		if err := conn.Flush(); err != nil {
			fmt.Fprintf(os.Stderr, "kube-network-policies: deleting table inet %s: %v\n", name, err)
			return 2
		}
		fmt.Fprintf(os.Stderr, "kube-network-policies: deleted table inet %s\n", name)
		return 0
	}
	if remove {
		return 0
	}
	return 1
}
