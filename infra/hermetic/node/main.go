// One multi-call binary for every host process of the hermetic cluster: linking the
// Kubernetes components once instead of six times saves most of a cold build's time.
// The first argument names the component; each still runs as its own process.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	proxy "k8s.io/kubernetes/cmd/kube-proxy/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	kubelet "k8s.io/kubernetes/cmd/kubelet/app"
)

// Constructors run only for the component asked for: each registers its own flags and
// global state, which must not mix in one process.
var components = map[string]func() *cobra.Command{
	"kube-apiserver":          apiserver.NewAPIServerCommand,
	"kube-controller-manager": controllermanager.NewControllerManagerCommand,
	"kube-scheduler":          func() *cobra.Command { return scheduler.NewSchedulerCommand() },
	"kubelet":                 func() *cobra.Command { return kubelet.NewKubeletCommand(context.Background()) },
	"kube-proxy":              proxy.NewProxyCommand,
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: node COMPONENT [flags]; COMPONENT is etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy or kube-network-policies")
		os.Exit(2)
	}
	name := os.Args[1]
	switch name {
	case "etcd":
		os.Exit(runEtcd(os.Args[2:]))
	case "kube-network-policies":
		os.Exit(runNetworkPolicies(os.Args[2:]))
	}
	newCommand, ok := components[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "unknown component %q\n", name)
		os.Exit(2)
	}
	command := newCommand()
	command.SetArgs(os.Args[2:])
	os.Exit(cli.Run(command))
}
