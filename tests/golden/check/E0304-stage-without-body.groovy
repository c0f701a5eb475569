pipeline {
    agent any
    stages {
        stage('build') {
            when {
                branch 'main'
            }
        }
    }
}
