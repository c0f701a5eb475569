pipeline {
    agent any
    stages {
        stage('build') {
            matrix {
                axes {
                    axis {
                        name 'OS'
                        values 'linux', 'mac'
                    }
                }
                excludes {
                }
                stages {
                    stage('cell') {
                        steps {
                            echo 'hi'
                        }
                    }
                }
            }
        }
    }
}
