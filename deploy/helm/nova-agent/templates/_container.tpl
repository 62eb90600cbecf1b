{{- /*
The agent's container and its volumes, shared by the two shapes. Green's own chart adds the
agent to its pods with (the chart as a dependency, shape: sidecar):

  containers:
    {{- include "nova-agent.sidecar" (index .Subcharts "nova-agent") | nindent 4 }}
  volumes:
    {{- include "nova-agent.volumes" (index .Subcharts "nova-agent") | nindent 4 }}

Called with the nova-agent chart's own context, so its values, release and appVersion apply.
*/ -}}
{{- define "nova-agent.sidecar" -}}
{{- include "nova-agent.container" . }}
{{- end -}}

{{- define "nova-agent.container" -}}
- name: nova-agent
  image: {{ include "nova-agent.image" . | quote }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  args: ["--config", "/etc/nova-agent/agent.yaml"]
  ports:
    - name: nova-http
      containerPort: {{ .Values.service.port }}
    - name: nova-probes
      containerPort: {{ .Values.probePort }}
  {{- $leader := include "nova-agent.leaderElection" . }}
  {{- if or .Values.secretEnv $leader }}
  env:
    {{- if $leader }}
    # The agent's identity in the leader-election Lease.
    - name: POD_NAME
      valueFrom:
        fieldRef:
          fieldPath: metadata.name
    {{- end }}
    {{- range .Values.secretEnv }}
    - name: {{ .name }}
      valueFrom:
        secretKeyRef:
          name: {{ .secretName }}
          key: {{ .key }}
    {{- end }}
  {{- end }}
  # The probe listener answers /healthz and /readyz alone, with capacity of its own.
  livenessProbe:
    httpGet: {path: /healthz, port: nova-probes}
    periodSeconds: 10
  {{- if ne .Values.shape "sidecar" }}
  readinessProbe:
    httpGet: {path: /readyz, port: nova-probes}
    periodSeconds: 2
  {{- else }}
  # No readiness probe as a sidecar: a pod is ready when its application is, and an agent
  # still waiting for its first scrape must not take green's pod out of the Service.
  {{- end }}
  resources:
    {{- toYaml .Values.resources | nindent 4 }}
  # The image's user, set on the container too: as a sidecar the pod's settings are green's.
  securityContext:
    runAsNonRoot: true
    runAsUser: 65532
    runAsGroup: 65532
    allowPrivilegeEscalation: false
    readOnlyRootFilesystem: true
    capabilities:
      drop: ["ALL"]
    seccompProfile:
      type: RuntimeDefault
  volumeMounts:
    - name: nova-agent-config
      mountPath: /etc/nova-agent
      readOnly: true
    - name: nova-agent-state
      mountPath: {{ trimSuffix "/" .Values.stateDir | quote }}
{{- end -}}

{{- /* The configuration (this chart's ConfigMap) and the state directory: an emptyDir, which
keeps the state across container restarts, not across pod reschedules. Without a pod
fsGroup (a sidecar's pod is green's) an emptyDir is writable by every user. */ -}}
{{- define "nova-agent.volumes" -}}
- name: nova-agent-config
  configMap:
    name: {{ include "nova-agent.fullname" . }}
    items:
      {{- include "nova-agent.configItems" . | nindent 6 }}
- name: nova-agent-state
  emptyDir: {}
{{- end -}}
