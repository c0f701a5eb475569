pipeline {
  agent any
  stages {
    stage('deploy') {
      steps {
        withCredentials([
            usernamePassword(credentialsId: 'registry', usernameVariable: 'U', passwordVariable: 'P'), // registry
            string(credentialsId: 'token', variable: 'TOKEN')
        ]) {
              sh 'deploy.sh'
        }
        archiveArtifacts artifacts: 'out/**', /* everything */ fingerprint: true
      }
    }
  }
}
