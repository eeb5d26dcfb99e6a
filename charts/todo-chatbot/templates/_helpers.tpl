{{/*
The one place that names, labels and wires the chart's objects. Templates never spell a
name themselves: they include one of these.
*/}}

{{/* ---------------------------------------------------------------- names */}}

{{/* Chart name, or nameOverride. */}}
{{- define "todo-chatbot.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Release-scoped base name: fullnameOverride, else "<release>-<chart>" (just the release
name when it already contains the chart name). Cut to 52 characters so that the longest
suffix below ("-postgresql", 11) still fits the 63 of a DNS label.
*/}}
{{- define "todo-chatbot.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* "name-version" for the helm.sh/chart label. */}}
{{- define "todo-chatbot.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Per-component object names. */}}
{{- define "todo-chatbot.web.fullname" -}}{{ include "todo-chatbot.fullname" . }}-web{{- end -}}
{{- define "todo-chatbot.api.fullname" -}}{{ include "todo-chatbot.fullname" . }}-api{{- end -}}
{{- define "todo-chatbot.postgresql.fullname" -}}{{ include "todo-chatbot.fullname" . }}-postgresql{{- end -}}
{{- define "todo-chatbot.migrations.fullname" -}}{{ include "todo-chatbot.fullname" . }}-migrate{{- end -}}
{{- define "todo-chatbot.tests.fullname" -}}{{ include "todo-chatbot.fullname" . }}-test{{- end -}}
{{- define "todo-chatbot.backup.fullname" -}}{{ include "todo-chatbot.fullname" . }}-backup{{- end -}}

{{/* The chart's own Secret (generated and given secrets). */}}
{{- define "todo-chatbot.secretName" -}}{{ include "todo-chatbot.fullname" . }}{{- end -}}

{{/* ServiceAccounts: the component's fullname unless named in values. */}}
{{- define "todo-chatbot.web.serviceAccountName" -}}
{{- if .Values.web.serviceAccount.create -}}
{{- default (include "todo-chatbot.web.fullname" .) .Values.web.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.web.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "todo-chatbot.api.serviceAccountName" -}}
{{- if .Values.api.serviceAccount.create -}}
{{- default (include "todo-chatbot.api.fullname" .) .Values.api.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.api.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "todo-chatbot.postgresql.serviceAccountName" -}}
{{- if .Values.postgresql.serviceAccount.create -}}
{{- default (include "todo-chatbot.postgresql.fullname" .) .Values.postgresql.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.postgresql.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* ---------------------------------------------------------------- labels */}}

{{/*
Standard labels. Call with (dict "ctx" $ "component" "web").
*/}}
{{- define "todo-chatbot.labels" -}}
helm.sh/chart: {{ include "todo-chatbot.chart" .ctx }}
{{ include "todo-chatbot.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/part-of: {{ include "todo-chatbot.name" .ctx }}
{{- with .ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
Selector labels: name, instance and component only, so they never change after install
(a Deployment's selector is immutable). Call with (dict "ctx" $ "component" "web").
*/}}
{{- define "todo-chatbot.selectorLabels" -}}
app.kubernetes.io/name: {{ include "todo-chatbot.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end -}}

{{/* metadata.annotations from commonAnnotations plus .extra; nothing when both are empty. */}}
{{- define "todo-chatbot.annotations" -}}
{{- $all := merge (dict) (.extra | default dict) (.ctx.Values.commonAnnotations | default dict) -}}
{{- if $all -}}
annotations:
  {{- toYaml $all | nindent 2 }}
{{- end -}}
{{- end -}}

{{/* ---------------------------------------------------------------- images */}}

{{/*
"registry/repository:tag@digest"; tag defaults to the chart's appVersion, a digest wins.
Call with (dict "image" .Values.web.image "ctx" $).
*/}}
{{- define "todo-chatbot.image" -}}
{{- $repository := .image.repository -}}
{{- if .image.registry -}}
{{- $repository = printf "%s/%s" .image.registry .image.repository -}}
{{- end -}}
{{- if .image.digest -}}
{{- printf "%s@%s" $repository .image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repository (.image.tag | default .ctx.Chart.AppVersion | toString) -}}
{{- end -}}
{{- end -}}

{{/* ---------------------------------------------------------------- addresses */}}

{{/* Where web (and the api test) reach the api: its Service, never a hard-coded name. */}}
{{- define "todo-chatbot.backendUrl" -}}
{{- printf "http://%s:%v" (include "todo-chatbot.api.fullname" .) .Values.api.service.port -}}
{{- end -}}

{{/*
The public origin (BETTER_AUTH_URL): web.publicUrl, else the Ingress host, else the
port-forward address NOTES.txt tells the user to open.
*/}}
{{- define "todo-chatbot.publicUrl" -}}
{{- if .Values.web.publicUrl -}}
{{- .Values.web.publicUrl | trimSuffix "/" -}}
{{- else if .Values.ingress.enabled -}}
{{- printf "%s://%s" (ternary "https" "http" (ne .Values.ingress.tlsSecretName "")) .Values.ingress.host -}}
{{- else -}}
http://localhost:8080
{{- end -}}
{{- end -}}

{{/* In-cluster PostgreSQL host (its Service). */}}
{{- define "todo-chatbot.postgresql.host" -}}
{{- include "todo-chatbot.postgresql.fullname" . -}}
{{- end -}}

{{/* ---------------------------------------------------------------- secrets */}}

{{/* True when the LLM is configured (a key from values or a Secret, or a base URL). */}}
{{- define "todo-chatbot.llm.configured" -}}
{{- if or .Values.llm.apiKey .Values.llm.existingSecret .Values.llm.baseUrl -}}true{{- end -}}
{{- end -}}

{{/*
The keys the chart's own Secret holds, as a dict key -> value, for the current values.
Secrets given in values are used as they are. Missing ones are read back from the
release's existing Secret (`lookup`, so an upgrade keeps them), else generated: 48
alphanumeric characters, URL-safe because the PostgreSQL password goes into a URL.
Results are memoised on the root context, so every template of one render (the Secret,
the migration hook's Secret, the checksum annotations) sees the same values.
*/}}
{{- define "todo-chatbot.secretData" -}}
{{- if not (hasKey . "todoChatbotSecretData") -}}
{{- $data := dict -}}
{{- $existing := (lookup "v1" "Secret" .Release.Namespace (include "todo-chatbot.secretName" .)).data | default dict -}}
{{- if not .Values.auth.existingSecret -}}
{{- $_ := set $data "jwt-secret" (include "todo-chatbot.secretValue" (dict "given" .Values.auth.jwtSecret "key" "jwt-secret" "existing" $existing)) -}}
{{- $_ := set $data "better-auth-secret" (include "todo-chatbot.secretValue" (dict "given" .Values.auth.betterAuthSecret "key" "better-auth-secret" "existing" $existing)) -}}
{{- end -}}
{{- if and .Values.postgresql.enabled (not .Values.postgresql.auth.existingSecret) -}}
{{- $password := include "todo-chatbot.secretValue" (dict "given" .Values.postgresql.auth.password "key" "postgres-password" "existing" $existing "generate" false) -}}
{{- if not $password -}}
{{- /* A volume left by an earlier release holds the old password: a new one would lock the apps out. */ -}}
{{- $pvc := lookup "v1" "PersistentVolumeClaim" .Release.Namespace (printf "data-%s-0" (include "todo-chatbot.postgresql.fullname" .)) -}}
{{- if $pvc -}}
{{- fail (printf "\n\nPOSTGRESQL PASSWORD: the volume %s already holds a database, but no password is known for it (the Secret %s is gone). Set postgresql.auth.password to the password of that database, or delete the claim to start empty." $pvc.metadata.name (include "todo-chatbot.secretName" .)) -}}
{{- end -}}
{{- $password = randAlphaNum 48 -}}
{{- end -}}
{{- $_ := set $data "postgres-password" $password -}}
{{- end -}}
{{- if and (not .Values.postgresql.enabled) (not .Values.externalDatabase.existingSecret) -}}
{{- $_ := set $data "database-url" .Values.externalDatabase.url -}}
{{- end -}}
{{- if and .Values.llm.apiKey (not .Values.llm.existingSecret) -}}
{{- $_ := set $data "openai-api-key" .Values.llm.apiKey -}}
{{- end -}}
{{- $_ := set . "todoChatbotSecretData" $data -}}
{{- end -}}
{{- toYaml (get . "todoChatbotSecretData") -}}
{{- end -}}

{{/* given, else the existing Secret's (base64) value, else (unless generate=false) random. */}}
{{- define "todo-chatbot.secretValue" -}}
{{- if .given -}}
{{- .given -}}
{{- else if index .existing .key -}}
{{- index .existing .key | b64dec -}}
{{- else if ne (toString .generate) "false" -}}
{{- randAlphaNum 48 -}}
{{- end -}}
{{- end -}}

{{/*
Environment entries for the secrets a container needs, each from the Secret that holds
it: the user's existingSecret, or the chart's own (`managedSecret`, which the migration
hook swaps for its own copy). Call with
(dict "ctx" $ "managedSecret" "<name>" "jwt" true "betterAuth" true "openai" false).
DATABASE_URL is always included. For the in-cluster PostgreSQL it is composed from the
password with Kubernetes' $(VAR) expansion, so a password from an existingSecret works too.
*/}}
{{- define "todo-chatbot.env.secrets" -}}
{{- $ctx := .ctx -}}
{{- $v := $ctx.Values -}}
{{- if $v.postgresql.enabled }}
- name: DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $v.postgresql.auth.existingSecret | default .managedSecret }}
      key: {{ ternary $v.postgresql.auth.existingSecretPasswordKey "postgres-password" (ne $v.postgresql.auth.existingSecret "") }}
- name: DATABASE_URL
  value: {{ printf "postgresql://%s:$(DATABASE_PASSWORD)@%s:%v/%s" $v.postgresql.auth.username (include "todo-chatbot.postgresql.host" $ctx) $v.postgresql.service.port $v.postgresql.auth.database | quote }}
{{- else }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $v.externalDatabase.existingSecret | default .managedSecret }}
      key: {{ ternary $v.externalDatabase.existingSecretUrlKey "database-url" (ne $v.externalDatabase.existingSecret "") }}
{{- end }}
{{- if .jwt }}
- name: JWT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ $v.auth.existingSecret | default .managedSecret }}
      key: {{ ternary $v.auth.existingSecretKeys.jwtSecret "jwt-secret" (ne $v.auth.existingSecret "") }}
{{- end }}
{{- if .betterAuth }}
- name: BETTER_AUTH_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ $v.auth.existingSecret | default .managedSecret }}
      key: {{ ternary $v.auth.existingSecretKeys.betterAuthSecret "better-auth-secret" (ne $v.auth.existingSecret "") }}
{{- end }}
{{- if and .openai (or $v.llm.apiKey $v.llm.existingSecret) }}
- name: OPENAI_API_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $v.llm.existingSecret | default .managedSecret }}
      key: {{ ternary $v.llm.existingSecretKey "openai-api-key" (ne $v.llm.existingSecret "") }}
{{- end }}
{{- end -}}

{{/* ---------------------------------------------------------------- pods */}}

{{/* Pod securityContext of the app pods (web, api, migrations, tests). */}}
{{- define "todo-chatbot.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.podSecurityContext.runAsUser }}
runAsGroup: {{ .Values.podSecurityContext.runAsGroup }}
fsGroup: {{ .Values.podSecurityContext.fsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Container securityContext of every container in the release. */}}
{{- define "todo-chatbot.containerSecurityContext" -}}
runAsNonRoot: true
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* The writable /tmp every container gets (the root filesystem is read-only). */}}
{{- define "todo-chatbot.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpVolumeSizeLimit }}
{{- end -}}

{{/*
preStop: keep serving while the endpoint removal reaches every node, then SIGTERM. The
kubelet's own sleep action (Kubernetes 1.30+): the app images are FROM scratch and have no
`sleep` program to exec. Older clusters get no preStop pause.
*/}}
{{/*
api's preStop: GET /drainz?seconds=N (apps/api/runtime.json "drain"). The api answers every
request with `Connection: close` from then on and returns after N seconds, so web's proxy
holds no idle keep-alive connection for the shutdown to cut (a request racing that close
fails with ECONNRESET). An HTTP hook needs no program in the image and works on every
Kubernetes version.
*/}}
{{- define "todo-chatbot.api.lifecycle" -}}
{{- if gt (int .Values.preStopSleepSeconds) 0 }}
lifecycle:
  preStop:
    httpGet:
      path: {{ printf "/drainz?seconds=%d" (int .Values.preStopSleepSeconds) | quote }}
      port: http
{{- end }}
{{- end -}}

{{- define "todo-chatbot.lifecycle" -}}
{{- if and (gt (int .Values.preStopSleepSeconds) 0) (semverCompare ">=1.30.0-0" .Capabilities.KubeVersion.Version) }}
lifecycle:
  preStop:
    sleep:
      seconds: {{ .Values.preStopSleepSeconds }}
{{- end }}
{{- end -}}

{{/* ---------------------------------------------------------------- checks */}}

{{/* Value combinations the schema cannot express well; fail with what to change. */}}
{{- define "todo-chatbot.validate" -}}
{{- if and (not .Values.postgresql.enabled) (not .Values.externalDatabase.url) (not .Values.externalDatabase.existingSecret) -}}
{{- fail "\n\nEXTERNAL DATABASE: postgresql.enabled is false, so set externalDatabase.url or externalDatabase.existingSecret." -}}
{{- end -}}
{{- if and (not .Values.postgresql.enabled) .Values.externalDatabase.url (not .Values.externalDatabase.existingSecret) .Values.networkPolicy.enabled -}}
{{- /* The NetworkPolicy opens externalDatabase.egress.port: the URL must use that port (5432 when it names none). */ -}}
{{- $hostPort := regexReplaceAll "^[A-Za-z0-9+.-]+://" .Values.externalDatabase.url "" -}}
{{- $hostPort = regexReplaceAll "^.*@" (regexReplaceAll "[/?#].*$" $hostPort "") "" -}}
{{- $urlPort := 5432 -}}
{{- if regexMatch ":[0-9]+$" $hostPort -}}{{- $urlPort = regexFind "[0-9]+$" $hostPort | int -}}{{- end -}}
{{- if ne (int $urlPort) (int .Values.externalDatabase.egress.port) -}}
{{- fail (printf "\n\nEXTERNAL DATABASE: externalDatabase.url connects to port %d, but the NetworkPolicy opens externalDatabase.egress.port %v. Make them the same." (int $urlPort) .Values.externalDatabase.egress.port) -}}
{{- end -}}
{{- end -}}
{{- range $component := list "web" "api" -}}
{{- $autoscaling := (get $.Values $component).autoscaling -}}
{{- if and $autoscaling.enabled (lt (int $autoscaling.maxReplicas) (int $autoscaling.minReplicas)) -}}
{{- fail (printf "\n\nAUTOSCALING: %s.autoscaling.maxReplicas (%v) is below minReplicas (%v)." $component $autoscaling.maxReplicas $autoscaling.minReplicas) -}}
{{- end -}}
{{- $metricsPort := index $.Values.metrics (printf "%sPort" $component) -}}
{{- if and $.Values.metrics.enabled (eq (int $metricsPort) (int (get $.Values $component).containerPort)) -}}
{{- fail (printf "\n\nMETRICS: metrics.%sPort (%v) is %s.containerPort: the metrics need a port of their own." $component $metricsPort $component) -}}
{{- end -}}
{{- end -}}
{{- if ge (int .Values.preStopSleepSeconds) (int .Values.terminationGracePeriodSeconds) -}}
{{- fail "\n\nTERMINATION: preStopSleepSeconds must be shorter than terminationGracePeriodSeconds (the sleep counts against it)." -}}
{{- end -}}
{{- if and .Values.ingress.enabled (eq .Values.web.publicUrl "") (not .Values.ingress.host) -}}
{{- fail "\n\nINGRESS: ingress.enabled needs ingress.host (or web.publicUrl)." -}}
{{- end -}}
{{- end -}}

{{/* ---------------------------------------------------------------- network policies */}}

{{/* A peer selecting one component's pods of this release. (dict "ctx" $ "component" "web") */}}
{{- define "todo-chatbot.networkPolicy.peer" -}}
- podSelector:
    matchLabels:
      {{- include "todo-chatbot.selectorLabels" . | nindent 6 }}
{{- end -}}

{{/* Egress rule to the database: the in-cluster PostgreSQL pods, or the external one's CIDRs. */}}
{{- define "todo-chatbot.networkPolicy.egressToDatabase" -}}
{{- if .Values.postgresql.enabled -}}
- to:
    {{- include "todo-chatbot.networkPolicy.peer" (dict "ctx" . "component" "postgresql") | nindent 4 }}
  ports:
    - port: {{ .Values.postgresql.containerPort }}
      protocol: TCP
{{- else -}}
- to:
    {{- range .Values.externalDatabase.egress.cidrs }}
    - ipBlock:
        cidr: {{ . }}
    {{- end }}
  ports:
    - port: {{ .Values.externalDatabase.egress.port }}
      protocol: TCP
{{- end -}}
{{- end -}}

{{/* ---------------------------------------------------------------- helm test pods */}}

{{/*
A hardened `helm test` pod running a Node script in the web image (no extra image).
Call with (dict "ctx" $ "name" "web-health" "script" "<ES module>" "env" (list of EnvVar)).
*/}}
{{- define "todo-chatbot.testPod" -}}
{{- $ctx := .ctx -}}
apiVersion: v1
kind: Pod
metadata:
  name: {{ include "todo-chatbot.tests.fullname" $ctx }}-{{ .name }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "todo-chatbot.labels" (dict "ctx" $ctx "component" "test") | nindent 4 }}
  annotations:
    helm.sh/hook: test
    # A failed test pod stays for `kubectl logs`; the next `helm test` replaces it.
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
    # Policy checks (nx run chart:lint) that do not apply to a one-shot test pod.
    checkov.io/skip1: CKV_K8S_8=a helm test pod runs one check and exits; there is nothing to keep alive
    checkov.io/skip2: CKV_K8S_9=a helm test pod receives no traffic, so it has no readiness to report
    {{- with $ctx.Values.commonAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  restartPolicy: Never
  serviceAccountName: {{ include "todo-chatbot.web.serviceAccountName" $ctx }}
  automountServiceAccountToken: false
  enableServiceLinks: false
  {{- with $ctx.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- range . }}
    - name: {{ . }}
    {{- end }}
  {{- end }}
  securityContext:
    {{- include "todo-chatbot.podSecurityContext" $ctx | nindent 4 }}
  containers:
    - name: {{ .name }}
      image: {{ include "todo-chatbot.image" (dict "image" $ctx.Values.web.image "ctx" $ctx) | quote }}
      imagePullPolicy: {{ $ctx.Values.web.image.pullPolicy }}
      command: ["node", "--input-type=module", "-e"]
      args:
        - |
          {{- .script | trim | nindent 10 }}
      env:
        {{- toYaml .env | nindent 8 }}
      resources:
        {{- toYaml $ctx.Values.tests.resources | nindent 8 }}
      securityContext:
        {{- include "todo-chatbot.containerSecurityContext" $ctx | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
  volumes:
    {{- include "todo-chatbot.tmpVolume" $ctx | nindent 4 }}
{{- end -}}

{{/* The web Service's in-cluster URL (what the Ingress controller reaches). */}}
{{- define "todo-chatbot.webServiceUrl" -}}
{{- printf "http://%s:%v" (include "todo-chatbot.web.fullname" .) .Values.web.service.port -}}
{{- end -}}

{{/* The metrics port of a component ("api" or "web"), or 0 when metrics are off. */}}
{{- define "todo-chatbot.metrics.port" -}}
{{- if .ctx.Values.metrics.enabled -}}{{ index .ctx.Values.metrics (printf "%sPort" .component) }}{{- else -}}0{{- end -}}
{{- end -}}

{{/* The pod annotations scrapers that read them (prometheus.io/*) find the metrics by. */}}
{{- define "todo-chatbot.metrics.podAnnotations" -}}
{{- if .ctx.Values.metrics.enabled -}}
prometheus.io/scrape: "true"
prometheus.io/port: {{ include "todo-chatbot.metrics.port" . | quote }}
prometheus.io/path: /metrics
{{- end -}}
{{- end -}}

{{/* The container port the metrics are served on. */}}
{{- define "todo-chatbot.metrics.containerPort" -}}
{{- if .ctx.Values.metrics.enabled -}}
- name: metrics
  containerPort: {{ include "todo-chatbot.metrics.port" . }}
  protocol: TCP
{{- end -}}
{{- end -}}

{{/* NetworkPolicy ingress rule: only the labelled scraper, and only to the metrics port. */}}
{{- define "todo-chatbot.metrics.scrapeRule" -}}
{{- if .ctx.Values.metrics.enabled -}}
- from:
    - podSelector:
        matchLabels:
          {{- toYaml .ctx.Values.metrics.scraper.podLabels | nindent 10 }}
      namespaceSelector:
        {{- with .ctx.Values.metrics.scraper.namespaceLabels }}
        matchLabels:
          {{- toYaml . | nindent 10 }}
        {{- else }} {}
        {{- end }}
  ports:
    - port: {{ include "todo-chatbot.metrics.port" . }}
      protocol: TCP
{{- end -}}
{{- end -}}
