pipeline {
  agent any
  stages {
    stage('two') {
      steps {
        sh 'make'
        script {
          if (true) {
            echo 'kept as written'
          }
        }
      }
    }
  }
}
