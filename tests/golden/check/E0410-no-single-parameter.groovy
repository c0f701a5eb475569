pipeline {
    agent any
    stages {
        stage('build') {
            steps {
                deleteDir 'build'
            }
        }
    }
}
