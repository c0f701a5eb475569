pipeline {
agent any
  stages {
      stage('Build') {
        stages {
          stage("compile") { steps { sh 'make' } }
          stage('test'){
                    steps {
              sh 'make test'
            }
          }
        }
      }
  }
}
