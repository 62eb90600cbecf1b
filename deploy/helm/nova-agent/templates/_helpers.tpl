{{- /* The chart is also a subchart of a service's own chart (the sidecar shape), where the
helpers below are called with that chart's context: names therefore never depend on
.Chart, only on the release. */ -}}
{{- define "nova-agent.fullname" -}}
{{- printf "%s-nova-agent" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "nova-agent.labels" -}}
app.kubernetes.io/name: nova-agent
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "nova-agent.selectorLabels" -}}
app.kubernetes.io/name: nova-agent
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "nova-agent.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "nova-agent.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- /* The image the chart runs, with the chart's appVersion as the default tag. */ -}}
{{- define "nova-agent.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{- /* Discovery serves both shapes: a sidecar that is not the leader never acts, so the
leader must see its siblings too, not only the pod it runs in. */ -}}
{{- define "nova-agent.discovers" -}}
{{- if .Values.discovery.enabled -}}true{{- end -}}
{{- end -}}

{{- /* Leader election: several agents beside one green (the sidecar shape: one per pod, or
replicas > 1) elect one that acts; "auto" turns it on exactly then. */ -}}
{{- define "nova-agent.leaderElection" -}}
{{- $on := .Values.leaderElection.enabled -}}
{{- if eq (toString $on) "auto" -}}
{{- if or (eq .Values.shape "sidecar") (gt (int .Values.replicas) 1) -}}true{{- end -}}
{{- else if $on -}}true
{{- end -}}
{{- end -}}

{{- define "nova-agent.leaseName" -}}
{{- default (include "nova-agent.fullname" .) .Values.leaderElection.leaseName -}}
{{- end -}}

{{- define "nova-agent.discoveryNamespace" -}}
{{- default .Release.Namespace .Values.discovery.namespace -}}
{{- end -}}

{{- /* Blue's namespace, for the baseline's discovery of blue's pods. */ -}}
{{- define "nova-agent.baselineNamespace" -}}
{{- default (include "nova-agent.discoveryNamespace" .) .Values.baseline.namespace -}}
{{- end -}}

{{- /* The baseline needs a Role of its own only where green's discovery Role does not already
allow listing and watching EndpointSlices. */ -}}
{{- define "nova-agent.baselineNeedsRole" -}}
{{- if .Values.baseline.enabled -}}
{{- if not (and (include "nova-agent.discovers" .) (eq (include "nova-agent.baselineNamespace" .) (include "nova-agent.discoveryNamespace" .))) -}}true{{- end -}}
{{- end -}}
{{- end -}}

{{- /* The Kubernetes object a switch type patches: "ingresses", "httproutes" or "" for the
switch types that touch no Kubernetes object (dry-run, nginx). */ -}}
{{- define "nova-agent.trafficResource" -}}
{{- if has . (list "kubernetes-ingress" "ingress-nginx-canary") -}}ingresses
{{- else if eq . "gateway-httproute" -}}httproutes
{{- end -}}
{{- end -}}

{{- define "nova-agent.trafficGroup" -}}
{{- if eq . "httproutes" -}}gateway.networking.k8s.io{{- else -}}networking.k8s.io{{- end -}}
{{- end -}}

{{- /* The traffic object's name: the switch setting that names it, else rbac.trafficObject. */ -}}
{{- define "nova-agent.trafficObjectName" -}}
{{- $s := .Values.switch.settings | default dict -}}
{{- coalesce (get $s "ingress") (get $s "httproute") (get $s "canary_ingress") .Values.rbac.trafficObject -}}
{{- end -}}

{{- /* The ConfigMap's items as the agent reads them: agent.yaml and rules/<name>.yaml. */ -}}
{{- define "nova-agent.configItems" -}}
- key: agent.yaml
  path: agent.yaml
{{- if .Values.rules.default }}
- key: default.yaml
  path: rules/default.yaml
{{- end }}
{{- range $name, $_ := .Values.rules.extra }}
- key: {{ $name }}.yaml
  path: rules/{{ $name }}.yaml
{{- end }}
{{- end -}}
